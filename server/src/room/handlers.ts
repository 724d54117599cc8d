import { AccordError, can, type ClientEventName, type clientEvents } from '@accord/shared';
import type { z } from 'zod';
import { mayReadChannel } from '../access/policy';
import type { Principal } from '../auth/service';
import type { TermsHistory } from '../agreement/terms-history';
import type { CallService } from '../call/service';
import type { ChatService } from '../chat/service';
import type { ModerationService } from '../moderation/service';
import type { OfferService } from '../negotiation/offers';
import type { NegotiationService } from '../negotiation/consent';
import type { OutcomeService } from '../outcome/service';
import { callConnection } from './call-reactions';
import { audienceOf, type AccordSocket } from './socket-types';

type Payload<K extends ClientEventName> = z.output<(typeof clientEvents)[K]['payload']>;
type Result<K extends ClientEventName> = z.output<(typeof clientEvents)[K]['result']>;

/** One handler per client event of the contract: a missing one is a compile error. */
export type Handlers = {
  [K in ClientEventName]: (p: Principal, payload: Payload<K>, socket: AccordSocket) => Promise<Result<K>>;
};

export interface RoomServices {
  chat: ChatService;
  moderation: ModerationService;
  outcome: OutcomeService;
  terms: TermsHistory;
  calls: CallService;
  offers: OfferService;
  negotiation: NegotiationService;
}

/** Each event translated into a call of the service that owns it; typing alone is relayed here. */
export function roomHandlers({ chat, moderation, outcome, terms, calls, offers, negotiation }: RoomServices): Handlers {
  return {
    'chat:send': (p, payload, socket) => chat.send(p, payload, socket.id),
    'chat:history': (p, payload) => chat.history(p, payload),
    'chat:typing': async (p, payload, socket) => {
      if (!can(p.role, 'chat.typing')) throw new AccordError('FORBIDDEN', `a ${p.role} may not type in the chat`);
      if (!mayReadChannel(p, payload.channel)) throw new AccordError('FORBIDDEN', 'not part of this conversation');
      socket.to(audienceOf(p.caseId, payload.channel)).emit('chat:typing', {
        channel: payload.channel,
        userId: p.userId,
        displayName: p.displayName,
        role: p.role,
        typing: payload.typing,
      });
      return {};
    },
    'room:phase': (p, { phase }) => moderation.setPhase(p, phase),
    'room:settings': (p, settings) => moderation.setSettings(p, settings),
    'lobby:admit': (p, who) => moderation.admit(p, who),
    'caucus:open': (p, { userId }) => moderation.openCaucus(p, userId),
    'caucus:close': (p) => moderation.closeCaucus(p),
    'caucus:list': (p) => moderation.caucuses(p),
    'moderation:mute': async (p, { userId, muted }) => (await moderation.mute(p, userId, muted), {}),
    'moderation:remove': async (p, { userId }) => (await moderation.remove(p, userId), {}),
    'agreement:lock': (p, { locked }) => moderation.lock(p, locked),
    'room:pin': (p, { text }) => moderation.pin(p, text),
    'hand:raise': async (p, { raised }) => (await moderation.raiseHand(p, raised), {}),
    'hand:lower': async (p, { userId }) => (await moderation.lowerHand(p, userId), {}),
    'activity:list': (p, query) => moderation.activity(p, query),
    'terms:last': (p) => terms.latest(p.caseId),
    'outcome:status': (p) => outcome.status(p.caseId),
    'outcome:sign': (p, payload) => outcome.sign(p, payload),
    'outcome:seal': (p, { outcome: kind, reason }) => outcome.seal(p, kind, reason),
    'call:join': async (p, payload, socket) => {
      const joined = await calls.join(p, payload, callConnection(socket));
      socket.data.callPeerId = joined.peerId;
      return joined;
    },
    'call:leave': async (p, _payload, socket) => {
      await calls.leave(p, callConnection(socket));
      delete socket.data.callPeerId;
      return {};
    },
    'call:media': async (p, media, socket) => (await calls.media(p, media, callConnection(socket)), {}),
    'call:ice': async (p) => calls.ice(p),
    'call:signal': async (p, payload, socket) => (await calls.signal(p, payload, callConnection(socket)), {}),
    'offer:submit': (p, payload) => offers.submit(p, payload),
    'negotiation:state': (p) => negotiation.state(p.caseId),
    'consent:set': (p, payload) => negotiation.consent(p, payload),
    'round:close': (p, payload) => negotiation.closeRound(p, payload),
    'round:get': (p, { n }) => negotiation.getRound(p, n),
  };
}
