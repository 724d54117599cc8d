import type { Namespace } from 'socket.io';
import type { Principal } from '../auth/service';
import type { Store } from '../store/types';

type Restore = Namespace['adapter']['restoreSession'];

/**
 * Socket.IO restores a recovered session's rooms and writes the packets it
 * missed while constructing the socket, before any middleware runs; the
 * handshake check that follows can refuse the connection, but too late for
 * what was already sent. So a session is vetted where it is restored: the same
 * sign-in still valid, the same person still a member with the same role.
 * Otherwise there is no recovery, and the connection is an ordinary handshake.
 */
export function vetRecoveredSessions(ns: Namespace, store: Pick<Store, 'getSession' | 'getMember'>): void {
  const adapter = ns.adapter;
  const restore: Restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    if (!session) return session;
    const p = (session.data as { principal?: Principal } | undefined)?.principal;
    if (!p) return refuse();
    const [signIn, member] = await Promise.all([store.getSession(p.sessionId), store.getMember(p.caseId, p.userId)]);
    const valid =
      signIn !== null &&
      signIn.revokedAt === null &&
      Date.parse(signIn.expiresAt) > Date.now() &&
      member !== null &&
      member.removedAt === null &&
      member.role === p.role;
    return valid ? session : refuse();
  };
}

/** A namespace whose sockets are never recovered (they re-run their handshake instead). */
export function noRecovery(ns: Namespace): void {
  ns.adapter.restoreSession = () => refuse();
}

// The adapter's type says Promise<Session>; Socket.IO treats a null session as "not recoverable".
const refuse = () => Promise.resolve(null as unknown as Awaited<ReturnType<Restore>>);
