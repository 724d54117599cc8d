import { TrackHandshake, parseOrThrow, type CaseProgress, type TrackServerEvents } from '@accord/shared';
import type { Namespace } from 'socket.io';
import type { AuthService } from '../auth/service';
import type { CaseAccess } from '../cases/access';
import { toErrorBody } from '../errors';
import type { Logger } from '../log';
import { noRecovery } from './recovery';
import type { AccordIo } from './socket-types';

type TrackNs = Namespace<Record<string, never>, TrackServerEvents>;
const trackNs = (io: AccordIo) => io.of('/track') as unknown as TrackNs;

/** Tells a case's followers (its tracking page, the staff dashboard) that its progress changed. */
export function trackBroadcasts(io: AccordIo): { progressChanged(progress: CaseProgress): void } {
  const ns = trackNs(io);
  return {
    progressChanged: (progress) => {
      ns.to([`track:${progress.caseId}`, 'dashboard']).emit('case:progress', progress);
    },
  };
}

/**
 * `/track`: a customer follows their case, staff follow the dashboard. Only
 * progress (status, timeline, next step, session time) travels here, never
 * personal data.
 */
export function attachTrackNamespace(
  io: AccordIo,
  deps: { auth: AuthService; access: Pick<CaseAccess, 'caseFor'>; log: Logger },
): void {
  const ns = trackNs(io);
  // Its rooms are decided in the handshake; a recovery would skip that decision.
  noRecovery(ns);
  ns.use((socket, next) => {
    void (async () => {
      const hs = parseOrThrow(TrackHandshake, socket.handshake.auth, 'handshake auth');
      const identity = await deps.auth.authenticate(hs.token);
      if (hs.caseId) {
        await deps.access.caseFor(identity, hs.caseId, ['customer', 'staff', 'admin', 'mediator']);
        await socket.join(`track:${hs.caseId}`);
      } else {
        const role = identity.session.caseId === null ? identity.user.staffRole : null;
        if (role !== 'platform' && role !== 'admin') throw new Error('the dashboard is for platform staff');
        await socket.join('dashboard');
      }
    })().then(
      () => next(),
      (err: unknown) => {
        const body = toErrorBody(err, deps.log);
        next(Object.assign(new Error(body.message), { data: body }));
      },
    );
  });
}
