import * as Y from 'yjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode, type ErrorBody } from '@accord/shared';
import { TokenSigner } from '@accord/server';
import { connectDoc, connectRefused, connectRoom, newClientId, waitSynced, type RoomClient } from '../helpers/clients';
import { rawYjs, realUpdate, updateMessage } from '../helpers/raw-yjs';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { sleep, waitFor } from '../helpers/wait';
import { emitUnchecked } from '../helpers/emit';

/**
 * Every case: a clear error (ack, event, HTTP body or close code) naming the
 * problem, the server stays up, the other participants are unaffected, and
 * nothing stored changes.
 */
describe('bad input is refused clearly and changes nothing', () => {
  let t: TestServer;
  let c: TestCase;
  let offender: RoomClient;
  let bystander: RoomClient;
  let storedBefore: { head: number; doc: string };

  const snapshot = async () => {
    const stored = await t.server.store.loadDoc(c.caseId);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    stored.updates.forEach((u) => Y.applyUpdate(doc, u.data));
    return { head: await t.server.store.headSeq(c.caseId, 'joint'), doc: JSON.stringify(doc.toJSON()) };
  };

  /** The room still works for the offender (when still connected) and for everyone else. */
  async function roomStillWorks(offenderConnected = true): Promise<void> {
    const probe = await bystander.send(`probe ${newClientId()}`);
    expect(probe.ok).toBe(true);
    if (offenderConnected) {
      const own = await offender.socket.emitWithAck('chat:history', { limit: 1 });
      expect(own.ok).toBe(true);
    }
  }

  beforeAll(async () => {
    t = await startServer({ env: { ACCORD_YJS_MAX_MESSAGE_BYTES: '65536' } });
    c = await t.createCase();
    offender = await connectRoom(t.url, c.tokens.customer, c.caseId);
    bystander = await connectRoom(t.url, c.tokens.platform, c.caseId);
  });
  afterAll(async () => {
    offender.close();
    bystander.close();
    await t.close();
  });
  beforeEach(async () => {
    storedBefore = await snapshot();
  });

  const expectUnchanged = async () => expect(await snapshot()).toEqual(storedBefore);

  const sendRaw = (event: string, payload: unknown) => emitUnchecked(offender, event, payload);

  it.each([
    ['text of the wrong type', { clientId: 'abcdefgh1', text: 42 }, 'text'],
    ['missing clientId', { text: 'hello' }, 'clientId'],
    ['a clientId with illegal characters', { clientId: '../../etc/passwd', text: 'x' }, 'clientId'],
    ['text over 4000 characters', { clientId: 'abcdefgh2', text: '长'.repeat(4001) }, 'text'],
    ['blank text', { clientId: 'abcdefgh3', text: '   \n ' }, 'text'],
    ['an unknown extra field', { clientId: 'abcdefgh4', text: 'x', seq: 1 }, '(root)'],
    ['a payload that is not an object', 'just a string', '(root)'],
    ['a null payload', null, '(root)'],
  ])('chat:send with %s → VALIDATION_FAILED naming the field', async (_name, payload, field) => {
    const res = await sendRaw('chat:send', payload);
    expect(res.ok).toBe(false);
    expect(res.error?.code).toBe('VALIDATION_FAILED');
    expect(res.error?.message).toContain('chat:send');
    expect(res.error?.issues?.map((i) => i.path)).toContain(field);
    await roomStillWorks();
    storedBefore.head += 1; // the bystander's probe
    await expectUnchanged();
  });

  it('chat:history with an out-of-range limit → VALIDATION_FAILED', async () => {
    const res = await sendRaw('chat:history', { limit: 100000 });
    expect(res.error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'limit' }] });
    await roomStillWorks();
  });

  // The call's events: the payload is checked before anything else (before even whether the sender is in the call).
  it.each([
    ['call:join', 'a peer id too short', { peerId: 'short', audio: true, video: true }, 'peerId'],
    [
      'call:join',
      'a peer id with illegal characters',
      { peerId: '../../../etc/passwd/x', audio: true, video: true },
      'peerId',
    ],
    ['call:join', 'missing media', { peerId: 'peer-0123456789abcdef' }, 'audio'],
    [
      'call:join',
      'an unknown extra field',
      { peerId: 'peer-0123456789abcdef', audio: true, video: true, userId: 'x' },
      '(root)',
    ],
    ['call:media', 'media of the wrong type', { audio: 'yes', video: false }, 'audio'],
    ['call:leave', 'an unknown extra field', { peerId: 'peer-0123456789abcdef' }, '(root)'],
    ['call:ice', 'a payload that is not an object', 'turn please', '(root)'],
    ['call:signal', 'an unknown kind', { to: 'peer-0123456789abcdef', kind: 'bye' }, 'kind'],
    [
      'call:signal',
      'a sender named in the payload',
      { to: 'peer-0123456789abcdef', from: 'peer-fedcba9876543210', kind: 'restart' },
      '(root)',
    ],
    ['call:signal', 'a target that is not a peer id', { to: 'nobody', kind: 'restart' }, 'to'],
    [
      'call:signal',
      'a description of an unknown type',
      { to: 'peer-0123456789abcdef', kind: 'description', description: { type: 'pranswer', sdp: 'v=0' } },
      'description.type',
    ],
    [
      'call:signal',
      'an SDP over the limit',
      { to: 'peer-0123456789abcdef', kind: 'description', description: { type: 'offer', sdp: 'v'.repeat(24_001) } },
      'description.sdp',
    ],
    [
      'call:signal',
      'a candidate over the limit',
      { to: 'peer-0123456789abcdef', kind: 'candidate', candidate: { candidate: 'c'.repeat(1025) } },
      'candidate.candidate',
    ],
  ])('%s with %s → VALIDATION_FAILED naming the field', async (event, _name, payload, field) => {
    const res = await sendRaw(event, payload);
    expect(res.ok).toBe(false);
    expect(res.error?.code).toBe('VALIDATION_FAILED');
    expect(res.error?.message).toContain(event);
    expect(res.error?.issues?.map((i) => i.path)).toContain(field);
    await roomStillWorks();
    storedBefore.head += 1; // the bystander's probe
    await expectUnchanged();
  });

  it('an unknown event → UNKNOWN_EVENT by ack, or by accord:error without an ack', async () => {
    const res = await sendRaw('case:delete', { caseId: c.caseId });
    expect(res.error).toMatchObject({ code: 'UNKNOWN_EVENT', message: expect.stringContaining('case:delete') });
    (offender.socket as unknown as { emit: (e: string, p: unknown) => void }).emit('admin:dropAll', {});
    await waitFor(() => offender.errors.find((e) => e.code === 'UNKNOWN_EVENT'), 'accord:error');
    await roomStillWorks();
    storedBefore.head += 1;
    await expectUnchanged();
  });

  it('an invalid event sent without an ack → accord:error naming the problem', async () => {
    (offender.socket as unknown as { emit: (e: string, p: unknown) => void }).emit('chat:send', { text: 1 });
    await waitFor(() => offender.errors.find((e) => e.code === 'VALIDATION_FAILED'), 'accord:error');
    await roomStillWorks();
  });

  it('a Socket.IO packet over the size limit closes only that socket', async () => {
    const big = await connectRoom(t.url, c.tokens.mediator, c.caseId, { resume: false });
    big.socket.io.reconnection(false);
    const gone = new Promise((r) => big.socket.once('disconnect', r));
    big.socket.emit('chat:send', { clientId: newClientId(), text: 'x'.repeat(400 * 1024) }, () => undefined);
    await gone;
    await roomStillWorks();
    storedBefore.head += 1;
    await expectUnchanged();
  });

  describe('handshake and tokens', () => {
    it('a handshake without a token → VALIDATION_FAILED', async () => {
      const err = await connectRefused(t.url, { caseId: c.caseId });
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'token' }] });
    });

    it('a malformed case id → VALIDATION_FAILED', async () => {
      const err = await connectRefused(t.url, { token: c.tokens.customer, caseId: "1' OR '1'='1" });
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'caseId' }] });
    });

    it('a forged token (other secret) and a garbage token → TOKEN_INVALID everywhere', async () => {
      const forged = await new TokenSigner('x'.repeat(40)).signSession(
        { sub: '00000000-0000-4000-8000-000000000000', sid: 'nope' },
        new Date(Date.now() + 3600_000),
      );
      for (const token of [forged, 'not.a.jwt', c.tokens.customer.slice(0, -2) + 'xx']) {
        expect((await connectRefused(t.url, { token, caseId: c.caseId })).code).toBe('TOKEN_INVALID');
        const r = rawYjs(t.url, c.caseId, token);
        expect(await r.closed).toMatchObject({ code: CloseCode.UNAUTHENTICATED, reason: /TOKEN_INVALID/ });
        const res = await fetch(`${t.url}/api/cases/${c.caseId}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(401);
      }
      await expectUnchanged();
    });

    it('an expired token → TOKEN_EXPIRED; an expired invite → INVITE_EXPIRED', async () => {
      const signer = new TokenSigner(t.server.config.tokenSecret);
      const expired = await signer.signSession({ sub: 'u', sid: 's' }, new Date(Date.now() - 1000));
      expect((await connectRefused(t.url, { token: expired, caseId: c.caseId })).code).toBe('TOKEN_EXPIRED');
      const invite = await signer.signInvite(
        { jti: c.inviteIds.customer, cid: c.caseId, role: 'customer' },
        new Date(Date.now() - 1000),
      );
      const res = await fetch(`${t.url}/api/invites/${invite}/accept`, { method: 'POST' });
      expect(res.status).toBe(410);
      expect(((await res.json()) as { error: ErrorBody }).error.code).toBe('INVITE_EXPIRED');
    });

    it('an invite whose claims were altered → INVITE_INVALID', async () => {
      const signer = new TokenSigner(t.server.config.tokenSecret);
      const tampered = await signer.signInvite(
        { jti: c.inviteIds.customer, cid: c.caseId, role: 'mediator' },
        new Date(Date.now() + 3600_000),
      );
      const res = await fetch(`${t.url}/api/invites/${tampered}/accept`, { method: 'POST' });
      expect(((await res.json()) as { error: ErrorBody }).error.code).toBe('INVITE_INVALID');
    });

    it('a revoked invite: live connections are closed, the token and the link stop working', async () => {
      const d = await t.createCase('revocation');
      const victim = await connectRoom(t.url, d.tokens.customer, d.caseId);
      victim.socket.io.reconnection(false);
      const doc = connectDoc(t.url, d.caseId, d.tokens.customer);
      await waitSynced(doc);
      const res = await fetch(`${t.url}/api/cases/${d.caseId}/invites/${d.inviteIds.customer}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${d.tokens.mediator}` },
      });
      expect(res.status).toBe(204);
      await waitFor(() => victim.errors.some((e) => e.code === 'TOKEN_REVOKED'), 'revocation notice');
      await waitFor(() => !victim.socket.connected, 'socket closed');
      await waitFor(() => doc.closes.some((x) => x.code === CloseCode.UNAUTHENTICATED), 'yjs closed');
      doc.destroy();
      expect((await connectRefused(t.url, { token: d.tokens.customer, caseId: d.caseId })).code).toBe('TOKEN_REVOKED');
      const accept = await fetch(`${d.inviteUrls.customer.replace(/^.*\/join\//, `${t.url}/api/invites/`)}/accept`, {
        method: 'POST',
      });
      expect(((await accept.json()) as { error: ErrorBody }).error.code).toBe('INVITE_REVOKED');
      // The others in that room are unaffected.
      const mediator = await connectRoom(t.url, d.tokens.mediator, d.caseId);
      expect((await mediator.send('仍可发送')).ok).toBe(true);
      mediator.close();
    });
  });

  describe('the Yjs endpoint', () => {
    async function withBystanderDoc<T>(fn: (bystanderDoc: Y.Doc) => Promise<T>): Promise<T> {
      const b = connectDoc(t.url, c.caseId, c.tokens.platform);
      await waitSynced(b);
      try {
        return await fn(b.doc);
      } finally {
        // The bystander's provider was never closed by the server.
        expect(b.closes).toEqual([]);
        b.destroy();
      }
    }

    it('a truncated update closes only that connection (4400) and stores nothing', async () => {
      await withBystanderDoc(async () => {
        const r = rawYjs(t.url, c.caseId, c.tokens.customer);
        await r.opened;
        const update = realUpdate('this must never be stored');
        r.ws.send(updateMessage(update.subarray(0, update.length - 3)));
        expect(await r.closed).toMatchObject({ code: CloseCode.MALFORMED, reason: /cannot be decoded/ });
      });
      await roomStillWorks();
      storedBefore.head += 1;
      await expectUnchanged();
    });

    it.each([
      ['an unknown message type', new Uint8Array([99, 1, 2])],
      ['an empty message', new Uint8Array([])],
      ['a sync message with an unknown step', new Uint8Array([0, 7, 0])],
      ['a malformed awareness update', new Uint8Array([1, 5, 1, 2])],
      ['garbage bytes', new Uint8Array([0, 2, 200, 200, 200, 200, 200])],
    ])('%s closes only that connection with 4400', async (_name, bytes) => {
      await withBystanderDoc(async () => {
        const r = rawYjs(t.url, c.caseId, c.tokens.customer);
        await r.opened;
        r.ws.send(bytes);
        expect((await r.closed).code).toBe(CloseCode.MALFORMED);
      });
      await expectUnchanged();
    });

    it('a text frame closes the connection with 4400', async () => {
      const r = rawYjs(t.url, c.caseId, c.tokens.customer);
      await r.opened;
      r.ws.send('{"type":"update"}');
      expect(await r.closed).toMatchObject({ code: CloseCode.MALFORMED, reason: /text frames/ });
    });

    it('an oversized message closes only that connection (1009) and stores nothing', async () => {
      await withBystanderDoc(async () => {
        const r = rawYjs(t.url, c.caseId, c.tokens.customer);
        await r.opened;
        r.ws.send(updateMessage(realUpdate('x'.repeat(70_000))));
        expect((await r.closed).code).toBe(CloseCode.TOO_LARGE);
      });
      await expectUnchanged();
    });

    it('an observer’s raw update is refused with permission-denied and not stored', async () => {
      const r = rawYjs(t.url, c.caseId, c.tokens.observer);
      await r.opened;
      r.ws.send(updateMessage(realUpdate('observer write')));
      await waitFor(() => r.received.some((m) => m[0] === 2), 'permission denied message');
      await sleep(50);
      expect(r.ws.readyState).toBe(r.ws.OPEN);
      r.ws.close();
      await expectUnchanged();
    });

    it.each([
      ['a document name that is not a case id', 'not-a-case'],
      ['an unknown document of a case', '/secret-notes'],
    ])('%s → 4404', async (_name, suffix) => {
      const name = suffix.startsWith('/') ? `${c.caseId}${suffix}` : suffix;
      const r = rawYjs(t.url, name, c.tokens.customer);
      expect((await r.closed).code).toBe(CloseCode.DOCUMENT_NOT_FOUND);
    });
  });

  describe('REST bodies', () => {
    const post = (path: string, body: string, token = c.tokens.mediator) =>
      fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });

    it('invalid JSON → 400 VALIDATION_FAILED', async () => {
      const res = await post(`/api/cases/${c.caseId}/invites`, '{"role": ');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: ErrorBody }).error.code).toBe('VALIDATION_FAILED');
    });

    it('wrong field types → 400 naming each field', async () => {
      const res = await post(
        `/api/cases/${c.caseId}/invites`,
        JSON.stringify({ role: 'king', displayName: '', expiresInHours: 1e9 }),
      );
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: ErrorBody };
      expect(error.issues?.map((i) => i.path).sort()).toEqual(['displayName', 'expiresInHours', 'role']);
    });

    it('a body over 64 KiB → 413', async () => {
      const res = await post('/api/auth/login', JSON.stringify({ username: 'a', password: 'x'.repeat(70_000) }));
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: ErrorBody }).error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('an unknown route → 404 NOT_FOUND as JSON; no token → 401', async () => {
      const res = await fetch(`${t.url}/api/cases/${c.caseId}/delete-everything`, { method: 'POST' });
      expect(res.status).toBe(404);
      const anon = await fetch(`${t.url}/api/cases/${c.caseId}`);
      expect(anon.status).toBe(401);
      expect(((await anon.json()) as { error: ErrorBody }).error.code).toBe('UNAUTHENTICATED');
    });
  });
});
