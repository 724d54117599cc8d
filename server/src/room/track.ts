import {
  AccordError,
  TrackHandshake,
  parseOrThrow,
  type CaseProgress,
  type EvidenceView,
  type TrackServerEvents,
} from '@accord/shared';
import type { Namespace } from 'socket.io';
import type { AuthService } from '../auth/service';
import type { CaseAccess } from '../cases/access';
import { toErrorBody } from '../errors';
import type { Logger } from '../log';
import { noRecovery } from './recovery';
import type { AccordIo } from './socket-types';

type TrackNs = Namespace<Record<string, never>, TrackServerEvents>;
const trackNs = (io: AccordIo) => io.of('/track') as unknown as TrackNs;

export interface TrackBroadcasts {
  progressChanged(progress: CaseProgress): void;
  historyChanged(caseId: string): void;
  evidenceChanged(caseId: string, evidence: EvidenceView[]): void;
}

/**
 * Tells a case's followers (its tracking page, the staff dashboard, staff watching the case) what
 * changed. Through the Socket.IO adapter, so scaled out (Redis streams adapter) it reaches sockets
 * on every node.
 */
export function trackBroadcasts(io: AccordIo): TrackBroadcasts {
  const ns = trackNs(io);
  return {
    progressChanged: (progress) => {
      ns.to([`track:${progress.caseId}`, 'dashboard']).emit('case:progress', progress);
    },
    historyChanged: (caseId) => {
      ns.to(`watch:${caseId}`).emit('case:history', { caseId });
    },
    evidenceChanged: (caseId, evidence) => {
      ns.to(`watch:${caseId}`).emit('case:evidence', { caseId, evidence });
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
        // The staff case watch is authorised as the staff case page's detail is, less the customer.
        const allowed = hs.watch
          ? (['staff', 'admin', 'mediator'] as const)
          : (['customer', 'staff', 'admin', 'mediator'] as const);
        await deps.access.caseFor(identity, hs.caseId, [...allowed]);
        await socket.join(hs.watch ? [`track:${hs.caseId}`, `watch:${hs.caseId}`] : `track:${hs.caseId}`);
      } else {
        if (hs.watch) throw new AccordError('VALIDATION_FAILED', 'a watch follows one case: give its caseId');
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
