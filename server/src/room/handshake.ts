import { HandshakeAuth, JOINT, parseOrThrow, type Channel } from '@accord/shared';
import type { AuthService } from '../auth/service';
import { toErrorBody } from '../errors';
import type { Logger } from '../log';
import type { AccordIo } from './socket-types';

/** Shared by every connection that brings no cursors (most): an empty Map costs about 180 bytes. */
const NO_CURSORS: ReadonlyMap<Channel, number> = new Map();

function cursorsOf(hs: HandshakeAuth): ReadonlyMap<Channel, number> {
  if (hs.cursors === undefined && hs.lastSeq === undefined) return NO_CURSORS;
  const cursors = new Map<Channel, number>(Object.entries(hs.cursors ?? {}) as [Channel, number][]);
  if (hs.lastSeq !== undefined && !cursors.has(JOINT)) cursors.set(JOINT, hs.lastSeq);
  return cursors;
}

/** Authenticates every connection in its handshake, before any room state is touched. */
export function authenticateHandshakes(io: AccordIo, auth: AuthService, log: Logger): void {
  io.use((socket, next) => {
    void (async () => {
      const hs = parseOrThrow(HandshakeAuth, socket.handshake.auth, 'handshake auth');
      // Checked here, once; the handshake lives as long as the socket, the token need not.
      socket.handshake.auth = {};
      const identity = await auth.authenticate(hs.token);
      socket.data.principal = await auth.principalFor(identity, hs.caseId, 'room.join');
      socket.data.cursors = cursorsOf(hs);
      socket.data.admitted = false;
    })().then(
      () => next(),
      (err: unknown) => {
        const body = toErrorBody(err, log);
        next(Object.assign(new Error(body.message), { data: body }));
      },
    );
  });
}
