import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AccordError, CloseCode, closeCodeOf, parseDocumentName, type DocumentRef } from '@accord/shared';
import type { AuthService, Principal } from '../auth/service';
import {
  mayReadCaucus,
  mayReadMediatorNotes,
  mayWriteAgreement,
  mayWriteCaucusNotes,
  mayWriteMediatorNotes,
  mustWait,
} from '../access/policy';
import type { RoomStates } from '../access/room-states';
import type { MemberRecord, MemberStore, RoomStateRecord } from '../store/types';
import { toErrorBody } from '../errors';
import { originAllowed } from '../lib/origin';
import type { Logger } from '../log';
import type { Bus } from '../scale/bus';
import type { RateLimits } from '../config';
import { TokenBucket } from '../lib/token-bucket';
import { YjsConnection, type WritePolicy } from './connection';
import type { DocRegistry } from '../agreement/registry';

export const YJS_PATH = '/yjs';

export interface YjsEndpointDeps {
  auth: AuthService;
  store: MemberStore;
  rooms: RoomStates;
  registry: DocRegistry;
  bus: Bus;
  log: Logger;
  maxMessageBytes: number;
  /** Origins allowed besides the request's own host (cross-site WebSocket hijacking). */
  allowedOrigins: readonly string[];
  /** Each connection's message and byte budget; none: unlimited. */
  limits?: Pick<RateLimits, 'yjsMessagesPerSecond' | 'yjsMessagesBurst' | 'yjsBytesPerSecond' | 'yjsBytesBurst'>;
}

/**
 * Serves `/yjs/<documentName>?token=…` with the standard y-websocket protocol.
 * The token and the document are checked before the upgrade completes and
 * before any document is loaded; a refusal is a WebSocket close with a code
 * and a reason, so a client can show why.
 */
export function attachYjsEndpoint(
  server: HttpServer,
  deps: YjsEndpointDeps,
): { close: () => void; connections: () => number } {
  const { auth, registry, bus, log, store, rooms } = deps;
  // `live` below tracks the connections; ws's own tracking would hold a second set entry and a close
  // listener for each.
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxMessageBytes, clientTracking: false });
  const live = new Set<YjsConnection>();
  let closed = false;
  const limits = deps.limits;
  const budget = () =>
    limits && {
      messages: new TokenBucket(limits.yjsMessagesPerSecond, limits.yjsMessagesBurst),
      bytes: new TokenBucket(limits.yjsBytesPerSecond, limits.yjsBytesBurst),
    };

  async function authorize(
    req: IncomingMessage,
  ): Promise<{ principal: Principal; docName: string; mayWrite: WritePolicy }> {
    if (!originAllowed(req, deps.allowedOrigins)) {
      throw new AccordError('FORBIDDEN', `pages from ${req.headers.origin ?? ''} may not open this socket`);
    }
    const url = new URL(req.url ?? '/', 'http://accord.invalid');
    const docName = decodeURIComponent(url.pathname.slice(YJS_PATH.length + 1));
    const ref = parseDocumentName(docName);
    if (!ref) throw new AccordError('NOT_FOUND', 'no such document');
    const token = url.searchParams.get('token');
    if (!token) throw new AccordError('UNAUTHENTICATED', 'the token query parameter is required');
    const identity = await auth.authenticate(token);
    const principal = await auth.principalFor(identity, ref.caseId, 'doc.read');
    const [member, state] = await Promise.all([store.getMember(ref.caseId, principal.userId), rooms.get(ref.caseId)]);
    if (!member) throw new AccordError('NOT_A_MEMBER', 'you are not a member of this case');
    if (mustWait(principal, member, state)) {
      throw new AccordError('NOT_ADMITTED', 'wait until the mediator admits you');
    }
    return { principal, docName, mayWrite: policyFor(ref, principal) };
  }

  /**
   * Who may open the document at all (refused here, before anything is loaded), and then, for each
   * change, whether the room as it is at that moment takes it (phase, lock, open caucus).
   */
  function policyFor(ref: DocumentRef, p: Principal): WritePolicy {
    // From the caches when they hold both (the usual case: one check per update), without a promise.
    const now = (): Promise<[MemberRecord | null, RoomStateRecord]> | [MemberRecord, RoomStateRecord] => {
      const member = store.peekMember?.(p.caseId, p.userId);
      const state = rooms.cached(p.caseId);
      if (member && state) return [member, state];
      return Promise.all([store.getMember(p.caseId, p.userId), rooms.get(p.caseId)]);
    };
    /** `judge` on the member and the room as they are now: at once from the caches, else once read. */
    const decide = (judge: (member: MemberRecord | null, state: RoomStateRecord) => string | null) => () => {
      const found = now();
      return Array.isArray(found) ? judge(...found) : found.then(([member, state]) => judge(member, state));
    };
    switch (ref.kind) {
      case 'caucus-notes':
        // The notes shared in a caucus belong to the mediator and that party alone; read-only once it ends.
        if (!mayReadCaucus(p, ref.partyUserId)) {
          throw new AccordError('FORBIDDEN', 'these notes belong to another private session');
        }
        return decide((member, state) =>
          member && mayWriteCaucusNotes(p, member, state, ref.partyUserId)
            ? null
            : 'read-only: this private session is not open',
        );
      case 'mediator-notes':
        if (!mayReadMediatorNotes(p)) {
          throw new AccordError('FORBIDDEN', "only the mediator may open the mediator's notebook");
        }
        return decide((member, state) =>
          member && mayWriteMediatorNotes(p, member, state) ? null : 'read-only: the session has concluded',
        );
      case 'agreement':
        return decide((member, state) =>
          member && mayWriteAgreement(p, member, state) ? null : 'read-only: you may not change this document now',
        );
    }
  }

  /**
   * Outside onUpgrade on purpose: the connection's close listener lives as long as the connection,
   * and a closure made inside onUpgrade would keep its scope alive with it: the upgrade request
   * (headers, the URL with the token) and its head buffer, about 2 KB per open document connection.
   */
  function accept(ws: WebSocket, principal: Principal, docName: string, mayWrite: WritePolicy): void {
    const conn = new YjsConnection(ws, principal, mayWrite, registry, docName, log, budget());
    live.add(conn);
    ws.on('close', () => live.delete(conn));
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path !== YJS_PATH && !path.startsWith(`${YJS_PATH}/`)) return;
    // Another layer may still hand an upgrade over after close (see http/connection-limit).
    if (closed) return void socket.destroy();
    void authorize(req).then(
      ({ principal, docName, mayWrite }) =>
        wss.handleUpgrade(req, socket, head, (ws) => accept(ws, principal, docName, mayWrite)),
      (err: unknown) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          const body = toErrorBody(err, log);
          ws.close(closeCodeOf[body.code], `${body.code}: ${body.message}`.slice(0, 123));
        }),
    );
  }

  server.on('upgrade', onUpgrade);
  const unsubscribe = bus.subscribe(({ message }) => {
    if (message.type === 'sessions.revoked') {
      const revoked = new Set(message.sessionIds);
      for (const conn of live) {
        if (revoked.has(conn.principal.sessionId))
          conn.close(CloseCode.UNAUTHENTICATED, 'TOKEN_REVOKED: access revoked');
      }
    } else if (message.type === 'member.removed' || message.type === 'member.changed') {
      for (const conn of live) {
        const p = conn.principal;
        if (p.caseId === message.caseId && p.userId === message.userId) {
          conn.close(CloseCode.FORBIDDEN, 'NOT_A_MEMBER: removed from the case');
        }
      }
    }
  });

  return {
    connections: () => live.size,
    close: () => {
      closed = true;
      unsubscribe();
      server.off('upgrade', onUpgrade);
      for (const conn of live) conn.close(CloseCode.GOING_AWAY, 'server shutting down');
      wss.close();
    },
  };
}
