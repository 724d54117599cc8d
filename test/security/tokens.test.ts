import { createHmac } from 'node:crypto';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, type ErrorBody } from '@accord/shared';
import { TokenSigner } from '@accord/server';
import { connectRefused, connectRoom, newClientId, type RoomClient } from '../helpers/clients';
import { rawYjs } from '../helpers/raw-yjs';
import { startServer, type TestCase, type TestServer } from '../helpers/server';

/**
 * Issue 8, item 5: tokens. Every forged, stolen-for-another-case or tampered token is refused on all
 * three doors (Socket.IO handshake, Yjs upgrade, REST) with its documented code; the server stays up,
 * the others in the room are unaffected, and nothing stored changes.
 *
 * Elsewhere: a token signed with another key, garbage, expired, a revoked invite's session and an
 * altered invite (`test/integration/bad-input.test.ts`); a removed member (`security.test.ts`); a
 * member removed while cut off, reconnecting within the recovery window
 * (`reconnect.test.ts` › connection state recovery); every role × event matrix (`access.test.ts`).
 */

const b64 = (v: object | string) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const partsOf = (jwt: string) => {
  const [h = '', p = '', s = ''] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>,
    signature: s,
  };
};

describe('tokens', () => {
  let t: TestServer;
  let c: TestCase;
  let other: TestCase;
  let bystander: RoomClient;
  let secret: string;

  const stored = async () => {
    const s = await t.server.store.loadDoc(c.caseId);
    const doc = new Y.Doc();
    if (s.snapshot) Y.applyUpdate(doc, s.snapshot);
    s.updates.forEach((u) => Y.applyUpdate(doc, u.data));
    return JSON.stringify({
      head: await t.server.store.headSeq(c.caseId, 'joint'),
      members: (await t.server.store.listMembers(c.caseId)).map((m) => [m.userId, m.role, m.removedAt]),
      doc: Buffer.from(Y.encodeStateVector(doc)).toString('hex'),
    });
  };

  /** The token at every door: the handshake's code, the Yjs close code and reason, the REST status and code. */
  async function doors(token: string, caseId = c.caseId) {
    const socket = (await connectRefused(t.url, { token, caseId })).code;
    const r = rawYjs(t.url, caseId, token);
    const closed = await r.closed;
    const res = await fetch(`${t.url}/api/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } });
    const rest = ((await res.json()) as { error?: ErrorBody }).error?.code;
    return { socket, yjs: closed.code, yjsReason: closed.reason.split(':')[0], status: res.status, rest };
  }

  const refusedAs = (code: string, closeCode: number, status: number) => ({
    socket: code,
    yjs: closeCode,
    yjsReason: expect.stringContaining(code) as unknown,
    status,
    rest: code,
  });

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase();
    other = await t.createCase('another case');
    secret = t.server.config.tokenSecret;
    bystander = await connectRoom(t.url, c.tokens.platform, c.caseId);
  });
  afterAll(async () => {
    bystander.close();
    await t.close();
  });

  async function unaffected(before: string) {
    expect((await bystander.send(`still here ${newClientId()}`)).ok).toBe(true);
    const after = JSON.parse(await stored()) as { head: number };
    expect(JSON.stringify({ ...after, head: after.head - 1 })).toBe(before);
  }

  it('alg "none" (unsigned), with the customer’s real claims → TOKEN_INVALID everywhere', async () => {
    const before = await stored();
    const { payload } = partsOf(c.tokens.customer);
    for (const header of [{ alg: 'none', typ: 'JWT' }, { alg: 'None' }, { alg: 'NONE' }]) {
      const unsigned = `${b64(header)}.${b64(payload)}.`;
      expect(await doors(unsigned)).toEqual(refusedAs('TOKEN_INVALID', CloseCode.UNAUTHENTICATED, 401));
    }
    await unaffected(before);
  });

  it('the right secret under another algorithm (HS512, HS384) → TOKEN_INVALID: only HS256 is accepted', async () => {
    const before = await stored();
    const { payload } = partsOf(c.tokens.customer);
    for (const [alg, hash] of [
      ['HS512', 'sha512'],
      ['HS384', 'sha384'],
    ] as const) {
      const input = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
      const forged = `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
      expect(await doors(forged)).toEqual(refusedAs('TOKEN_INVALID', CloseCode.UNAUTHENTICATED, 401));
    }
    await unaffected(before);
  });

  it('a customer’s token edited to claim the mediator’s identity or a role keeps no valid signature', async () => {
    const before = await stored();
    const { header, payload, signature } = partsOf(c.tokens.customer);
    for (const claims of [
      { ...payload, sub: c.userIds.mediator },
      { ...payload, role: 'mediator' },
      { ...payload, exp: Math.floor(Date.now() / 1000) + 365 * 86400 },
    ]) {
      const tampered = `${b64(header)}.${b64(claims)}.${signature}`;
      expect(await doors(tampered)).toEqual(refusedAs('TOKEN_INVALID', CloseCode.UNAUTHENTICATED, 401));
    }
    await unaffected(before);
  });

  it('a validly signed token claiming a role is still only the customer: roles come from the store', async () => {
    // Signed with the real key (as if the secret leaked into a claim-minting bug): the extra claim is ignored.
    const { payload } = partsOf(c.tokens.customer);
    const input = `${b64({ alg: 'HS256' })}.${b64({ ...payload, role: 'mediator', staffRole: 'admin' })}`;
    const minted = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    const room = await connectRoom(t.url, minted, c.caseId);
    expect(room.welcomes[0]?.you.role).toBe('customer');
    const ack = await room.socket.emitWithAck('moderation:mute', { userId: c.userIds.platform, muted: true });
    expect(ack).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    room.close();
    // A role named in the handshake is no claim at all: the store's role is the one that counts.
    const s2 = io(t.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: c.tokens.customer, caseId: c.caseId, role: 'mediator', staffRole: 'admin' },
    });
    const welcome = await new Promise<{ you: { role: string } }>((resolve) => s2.once('room:welcome', resolve));
    expect(welcome.you.role).toBe('customer');
    s2.disconnect();
  });

  it('an invite token presented as a session token, and a session token as an invite, are refused', async () => {
    const before = await stored();
    const invite = c.inviteUrls.customer.split('/join/')[1] ?? '';
    expect(await doors(invite)).toEqual(refusedAs('TOKEN_INVALID', CloseCode.UNAUTHENTICATED, 401));
    const res = await fetch(`${t.url}/api/invites/${c.tokens.customer}/accept`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: ErrorBody }).error.code).toBe('INVITE_INVALID');
    await unaffected(before);
  });

  it('a valid token of another case opens nothing of this one; a forged expiry is refused', async () => {
    const before = await stored();
    // An invite session belongs to its own case: FORBIDDEN at every door (PROTOCOL.md, errors).
    expect(await doors(other.tokens.mediator)).toEqual(refusedAs('FORBIDDEN', CloseCode.FORBIDDEN, 403));
    const signer = new TokenSigner(secret);
    const { payload } = partsOf(c.tokens.customer);
    const expired = await signer.signSession(
      { sub: String(payload.sub), sid: String(payload.sid) },
      new Date(Date.now() - 1000),
    );
    expect(await doors(expired)).toEqual(refusedAs('TOKEN_EXPIRED', CloseCode.UNAUTHENTICATED, 401));
    await unaffected(before);
  });

  it('a revoked session (logout) is refused everywhere, while the same person’s other doors stay shut too', async () => {
    const d = await t.createCase('logout');
    const logout = await fetch(`${t.url}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${d.tokens.customer}` },
    });
    expect(logout.status).toBe(204);
    expect(await doors(d.tokens.customer, d.caseId)).toEqual(
      refusedAs('TOKEN_REVOKED', CloseCode.UNAUTHENTICATED, 401),
    );
    // Re-signing the revoked session's claims with a fresh expiry does not revive it.
    const { payload } = partsOf(d.tokens.customer);
    const again = await new TokenSigner(secret).signSession(
      { sub: String(payload.sub), sid: String(payload.sid) },
      new Date(Date.now() + 3600_000),
    );
    expect((await doors(again, d.caseId)).socket).toBe('TOKEN_REVOKED');
  });
});
