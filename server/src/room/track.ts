import {
  AccordError,
  TrackHandshake,
  parseOrThrow,
  type CaseProgress,
  evidenceVisibleTo,
  type EvidenceViewer,
  type TrackServerEvents,
} from '@accord/shared';
import type { Namespace } from 'socket.io';
import { requirePasswordChanged, type AuthService } from '../auth/service';
import { viewerSide, type CaseAccess } from '../cases/access';
import type { EvidenceChange } from '../evidence/service';
import { toErrorBody } from '../errors';
import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import { noRecovery } from './recovery';
import type { AccordIo } from './socket-types';

type TrackNs = Namespace<Record<string, never>, TrackServerEvents>;
type TrackSocket = Parameters<Parameters<TrackNs['use']>[0]>[0];
const trackNs = (io: AccordIo) => io.of('/track') as unknown as TrackNs;

export interface TrackBroadcasts {
  progressChanged(progress: CaseProgress, lenderId: string | null): void;
  historyChanged(caseId: string): void;
  evidenceChanged(change: EvidenceChange): void;
}

/**
 * Tells a case's followers (its tracking page, the staff dashboard, staff watching the case) what
 * changed. Through the Socket.IO adapter, so scaled out (Redis streams adapter) it reaches sockets
 * on every node.
 */
export function trackBroadcasts(io: AccordIo): TrackBroadcasts {
  const ns = trackNs(io);
  return {
    progressChanged: (progress, lenderId) => {
      // The centre's dashboard hears every case; a lender's staff only their lender's.
      const rooms = [`track:${progress.caseId}`, 'dashboard', ...(lenderId ? [dashboardOf(lenderId)] : [])];
      ns.to(rooms).emit('case:progress', progress);
    },
    historyChanged: (caseId) => {
      ns.to(`watch:${caseId}`).emit('case:history', { caseId });
    },
    // Each side's watchers get the list as they may see it, and only when a changed item reaches
    // them: the lender's staff hear nothing of an item shown in caucus to the customer.
    evidenceChanged: ({ caseId, evidence, audiences }) => {
      for (const side of WATCH_SIDES) {
        if (!audiences.some((a) => evidenceVisibleTo(a, side))) continue;
        const list = evidence.filter((e) => evidenceVisibleTo(e, side));
        ns.to(evidenceWatch(caseId, side)).emit('case:evidence', { caseId, evidence: list });
      }
    },
  };
}

const dashboardOf = (lenderId: string) => `dashboard:${lenderId}`;
/** Who watches a case from the staff pages: the centre and the mediator (neutral), or the lender's staff. */
const WATCH_SIDES = ['neutral', 'lender'] as const satisfies readonly EvidenceViewer[];
const evidenceWatch = (caseId: string, side: EvidenceViewer) => `watch:${caseId}:evidence:${side}`;

/**
 * `/track`: a customer follows their case, staff follow the dashboard. Only
 * progress (status, timeline, next step, session time) travels here, never
 * personal data.
 */
export function attachTrackNamespace(
  io: AccordIo,
  deps: { auth: AuthService; access: Pick<CaseAccess, 'caseFor'>; bus: Bus; log: Logger },
): void {
  const ns = trackNs(io);
  // Its rooms are decided in the handshake; a recovery would skip that decision.
  noRecovery(ns);
  // A revoked session (sign-out, deactivated account, reset password) stops following at once.
  const bySession = new Map<string, Set<TrackSocket>>();
  deps.bus.subscribe(({ message }) => {
    if (message.type !== 'sessions.revoked') return;
    for (const id of message.sessionIds) for (const socket of bySession.get(id) ?? []) socket.disconnect(true);
  });
  ns.use((socket, next) => {
    void (async () => {
      const hs = parseOrThrow(TrackHandshake, socket.handshake.auth, 'handshake auth');
      const identity = await deps.auth.authenticate(hs.token);
      if (hs.caseId) {
        // The staff case watch is authorised as the staff case page's detail is, less the customer.
        const allowed = hs.watch
          ? (['staff', 'admin', 'mediator'] as const)
          : (['customer', 'staff', 'admin', 'mediator'] as const);
        const { actor } = await deps.access.caseFor(identity, hs.caseId, [...allowed]);
        const side = viewerSide(identity, actor, null);
        await socket.join(
          hs.watch
            ? [`track:${hs.caseId}`, `watch:${hs.caseId}`, evidenceWatch(hs.caseId, side)]
            : `track:${hs.caseId}`,
        );
      } else {
        if (hs.watch) throw new AccordError('VALIDATION_FAILED', 'a watch follows one case: give its caseId');
        const role = identity.session.caseId === null ? identity.user.staffRole : null;
        requirePasswordChanged(identity);
        if (role === 'platform' && identity.user.lenderId !== null)
          await socket.join(dashboardOf(identity.user.lenderId));
        else if (role === 'reviewer' || role === 'admin') await socket.join('dashboard');
        else throw new Error('the dashboard is for staff');
      }
      const sessionId = identity.session.id;
      bySession.set(sessionId, (bySession.get(sessionId) ?? new Set()).add(socket));
      socket.once('disconnect', () => {
        const set = bySession.get(sessionId);
        set?.delete(socket);
        if (set?.size === 0) bySession.delete(sessionId);
      });
    })().then(
      () => next(),
      (err: unknown) => {
        const body = toErrorBody(err, deps.log);
        next(Object.assign(new Error(body.message), { data: body }));
      },
    );
  });
}
