import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@accord/shared';
import { connectDoc, connectRoom, newClientId, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import { rawYjs, realUpdate, updateMessage } from '../helpers/raw-yjs';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { seedAgreement } from '../helpers/agreement';
import { sleep, waitFor } from '../helpers/wait';
import { emitUnchecked } from '../helpers/emit';
import { bodyText, draft } from '../helpers/agreement-body';
import { agreeToEveryClause } from '../helpers/negotiation';

/**
 * Issue 8, item 7: writes by those who may not write (observers, anyone after the lock, everyone
 * after the freeze) and messages only the server may send. The stored document's state vector does
 * not move, the writer is told (permission-denied, an error code), the others keep working.
 * Also: observers' and admins' edits (`test/integration/agreement.test.ts`), the lock
 * (`moderation.test.ts`), the freeze's update count (`outcome.test.ts`), every event × role
 * (`access.test.ts`).
 */
describe('writes that are not allowed, and server-only messages', () => {
  let t: TestServer;
  let c: TestCase;
  let mediator: RoomClient;
  let bystanderRoom: RoomClient;
  let bystanderDoc: DocClient;
  let before: { vector: string; head: number };

  const storedDoc = async () => {
    const s = await t.server.store.loadDoc(c.caseId);
    const doc = new Y.Doc();
    if (s.snapshot) Y.applyUpdate(doc, s.snapshot);
    s.updates.forEach((u) => Y.applyUpdate(doc, u.data));
    return doc;
  };
  const storedVector = async () => {
    const doc = await storedDoc();
    return {
      vector: Buffer.from(Y.encodeStateVector(doc)).toString('hex'),
      head: await t.server.store.headSeq(c.caseId, 'joint'),
    };
  };

  /** A raw update from `token`'s connection: the bytes a modified client would send. */
  async function rawWrite(token: string, text: string): Promise<{ denied: boolean; open: boolean }> {
    const r = rawYjs(t.url, c.caseId, token);
    await r.opened;
    r.ws.send(updateMessage(realUpdate(text)));
    await waitFor(() => r.received.some((m) => m[0] === 2), 'permission denied');
    await sleep(50);
    const open = r.ws.readyState === r.ws.OPEN;
    r.ws.close();
    return { denied: true, open };
  }

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase();
    mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    bystanderRoom = await connectRoom(t.url, c.tokens.platform, c.caseId);
    bystanderDoc = connectDoc(t.url, c.caseId, c.tokens.platform);
    await waitSynced(bystanderDoc);
    draft(bystanderDoc.doc).insert(0, 'before anything');
    await waitFor(async () => bodyText(await storedDoc()) === 'before anything', 'stored');
  });
  afterAll(async () => {
    mediator.close();
    bystanderRoom.close();
    bystanderDoc.destroy();
    await t.close();
  });
  beforeEach(async () => {
    before = await storedVector();
  });

  async function othersUnaffected(): Promise<void> {
    expect(bystanderDoc.closes).toEqual([]);
    expect((await bystanderRoom.send(`probe ${newClientId()}`)).ok).toBe(true);
  }

  it('an observer’s raw update and chat message: refused, state vector unchanged', async () => {
    expect(await rawWrite(c.tokens.observer, 'observer writes')).toEqual({ denied: true, open: true });
    const observer = await connectRoom(t.url, c.tokens.observer, c.caseId);
    const ack = await observer.send('observer speaks');
    expect(ack).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    observer.close();
    expect(await storedVector()).toEqual(before);
    await othersUnaffected();
  });

  it('after the lock: a party’s update is refused, state vector unchanged; the mediator still writes', async () => {
    expect((await mediator.socket.emitWithAck('agreement:lock', { locked: true })).ok).toBe(true);
    try {
      for (const role of ['customer', 'platform', 'observer'] as const) {
        expect(await rawWrite(c.tokens[role], `${role} while locked`)).toEqual({ denied: true, open: true });
      }
      expect(await storedVector()).toEqual(before);
    } finally {
      expect((await mediator.socket.emitWithAck('agreement:lock', { locked: false })).ok).toBe(true);
    }
    await othersUnaffected();
  });

  it('after the freeze: everyone’s update is refused, the mediator’s too; state vector unchanged', async () => {
    await seedAgreement(t.server.store, c.caseId);
    // Seeded into the store while the document is loaded: the clauses are read as stored.
    const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    await agreeToEveryClause({ customer, platform: bystanderRoom }, { server: t.server });
    customer.close();
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'signing' })).ok).toBe(true);
    before = await storedVector();
    try {
      for (const role of ['mediator', 'customer', 'platform'] as const) {
        expect(await rawWrite(c.tokens[role], `${role} after freeze`)).toEqual({ denied: true, open: true });
      }
      // The stock provider's edits, too: denied and never stored.
      const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
      await waitSynced(writer);
      writer.doc.getMap('terms').set('amountAgreedCents', 1);
      await waitFor(() => writer.denied.length > 0, 'stock provider refused');
      writer.destroy();
      await sleep(50);
      expect(await storedVector()).toEqual(before);
    } finally {
      expect((await mediator.socket.emitWithAck('room:phase', { phase: 'drafting' })).ok).toBe(true);
    }
  });

  it.each(['room:welcome', 'chat:message', 'presence', 'room:state', 'room:lobby', 'activity', 'accord:error'])(
    'a client emitting the server-only event %s → UNKNOWN_EVENT, nothing relayed or stored',
    async (event) => {
      const heard: unknown[] = [];
      const listen = (...args: unknown[]) => heard.push(args);
      bystanderRoom.socket.onAny(listen);
      const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
      const forged = {
        seq: 999,
        id: newClientId(),
        clientId: newClientId(),
        caseId: c.caseId,
        senderId: c.userIds.mediator,
        senderName: '张律师',
        senderRole: 'mediator',
        text: 'forged by the customer',
        createdAt: new Date().toISOString(),
      };
      const res = await emitUnchecked(customer, event, forged);
      expect(res).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
      await sleep(50);
      bystanderRoom.socket.offAny(listen);
      expect(JSON.stringify(heard)).not.toContain('forged by the customer');
      customer.close();
      expect(await storedVector()).toEqual(before);
      await othersUnaffected();
    },
  );

  it('a client sending the Yjs auth message (server-only: permission-denied) is closed with 4400', async () => {
    const r = rawYjs(t.url, c.caseId, c.tokens.customer);
    await r.opened;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint(e, 0);
    encoding.writeVarString(e, 'you may not write');
    r.ws.send(encoding.toUint8Array(e));
    expect((await r.closed).code).toBe(CloseCode.MALFORMED);
    expect(await storedVector()).toEqual(before);
    await othersUnaffected();
  });
});
