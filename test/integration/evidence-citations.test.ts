import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgreementDoc,
  CloseCode,
  caucusChannel,
  canonicalAgreementText,
  type ChatMessage,
  type EvidenceView,
} from '@accord/shared';
import { draft } from '../helpers/agreement-body';
import { connectDoc, connectRoom, newClientId, waitSynced, type DocClient, type RoomClient } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { form, pdf, png } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { verifyCaseAudit } from '../../server/src/audit/verify';

/**
 * Issue 21: a chat message or an agreement clause cites an evidence item of the case. Refused with
 * the problem named, nothing stored: an item of another case, and an item some readers may not see
 * (shown in caucus to one side only) — cited in the joint chat or the agreement, its name would reach
 * the other side. In that side's caucus it may be cited, and the other party never hears of it.
 */
describe('evidence citations in the chat and the agreement', () => {
  let t: TestServer;
  let c: TestCase;
  let other: TestCase;
  const call = httpClient(() => t.url);
  const rooms: RoomClient[] = [];
  const docs: DocClient[] = [];
  let contract: EvidenceView;
  let secret: EvidenceView;
  let foreign: EvidenceView;

  const upload = async (caseId: string, token: string, files: { name: string; data: Buffer }[]) => {
    const res = await call<EvidenceView[]>('POST', `/api/cases/${caseId}/evidence`, token, form({}, files));
    expect(res.status).toBe(201);
    return res.body;
  };
  const room = async (token: string, caseId = c.caseId) => {
    const r = await connectRoom(t.url, token, caseId);
    rooms.push(r);
    return r;
  };
  const docClient = (token: string) => {
    const d = connectDoc(t.url, c.caseId, token);
    docs.push(d);
    return d;
  };
  const storedDoc = async () => {
    const s = await t.server.store.loadDoc(c.caseId);
    const doc = new Y.Doc();
    if (s.snapshot) Y.applyUpdate(doc, s.snapshot);
    s.updates.forEach((u) => Y.applyUpdate(doc, u.data));
    return doc;
  };
  const citation = (id: string, name: string) => {
    const ref = new Y.XmlElement('evidenceRef');
    ref.setAttribute('id', id);
    ref.setAttribute('name', name);
    return ref;
  };

  beforeAll(async () => {
    t = await startServer();
    c = await t.createCase('citations');
    other = await t.createCase('another case');
    const one = (items: EvidenceView[]) => {
      expect(items).toHaveLength(1);
      return items[0]!;
    };
    contract = one(await upload(c.caseId, c.tokens.customer, [{ name: '合同.pdf', data: pdf() }]));
    secret = one(await upload(c.caseId, c.tokens.customer, [{ name: '底线.png', data: png }]));
    foreign = one(await upload(other.caseId, other.tokens.customer, [{ name: '别人的.png', data: png }]));
    // The sharing route is another part of issue 21: the mediator's choice is set in the store here.
    await t.server.store.setEvidenceSharing(secret.id, 'caucus', 'customer');
  });
  afterAll(async () => {
    rooms.forEach((r) => r.close());
    docs.forEach((d) => d.destroy());
    await t.close();
  });

  it('a joint message citing an item shown to both reaches everyone with the citation, and history and replay keep it', async () => {
    const customer = await room(c.tokens.customer);
    const platform = await room(c.tokens.platform);
    const sent = await emit(customer, 'chat:send', {
      clientId: newClientId(),
      text: '请看合同第三条',
      cites: [contract.id],
    });
    expect(sent.ok).toBe(true);
    const cites = [{ id: contract.id, name: '合同.pdf', type: 'application/pdf' }];
    expect(sent.data?.message.cites).toEqual(cites);
    await waitFor(() => platform.messages.some((m) => m.id === sent.data?.message.id), 'delivered');
    expect(platform.messages.find((m) => m.id === sent.data?.message.id)?.cites).toEqual(cites);

    // A retry with the same clientId is the same message, citations and all.
    const clientId = newClientId();
    const first = await emit(customer, 'chat:send', { clientId, text: '再看一次', cites: [contract.id] });
    const again = await emit(customer, 'chat:send', { clientId, text: '再看一次', cites: [contract.id] });
    expect(again.data).toEqual({ message: first.data?.message, duplicate: true });
    // The same clientId with other citations is another message: refused.
    const changed = await emit(customer, 'chat:send', { clientId, text: '再看一次', cites: [] });
    expect(changed.error?.code).toBe('CONFLICT');

    const history = await emit(platform, 'chat:history', { channel: 'joint', limit: 50 });
    const inHistory = history.data?.messages.find((m) => m.id === sent.data?.message.id);
    expect(inHistory?.cites).toEqual(cites);
    // A message without citations has none (and is stored as before).
    const plain = await emit(customer, 'chat:send', { clientId: newClientId(), text: '好的' });
    expect(plain.data?.message.cites).toEqual([]);

    const late = await connectRoom(t.url, c.tokens.mediator, c.caseId, { lastSeq: 0 });
    rooms.push(late);
    await waitFor(() => late.messages.some((m) => m.id === sent.data?.message.id), 'replayed');
    expect(late.messages.find((m) => m.id === sent.data?.message.id)?.cites).toEqual(cites);
  });

  it("refuses a citation of another case's item or of no item: the problem named, nothing stored, the connection keeps working", async () => {
    const customer = await room(c.tokens.customer);
    const head = await t.server.store.headSeq(c.caseId, 'joint');
    const foreignCite = await emit(customer, 'chat:send', {
      clientId: newClientId(),
      text: '看这个',
      cites: [contract.id, foreign.id],
    });
    expect(foreignCite.ok).toBe(false);
    expect(foreignCite.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      reason: 'evidence.otherCase',
      params: { evidenceId: foreign.id },
    });
    const missing = '00000000-0000-4000-8000-000000000000';
    const none = await emit(customer, 'chat:send', { clientId: newClientId(), text: '看这个', cites: [missing] });
    expect(none.error).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'evidence.notFound',
      params: { evidenceId: missing },
    });
    const tooMany = await emit(customer, 'chat:send', {
      clientId: newClientId(),
      text: '看这个',
      cites: Array.from({ length: 6 }, () => contract.id),
    });
    expect(tooMany.error?.code).toBe('VALIDATION_FAILED');
    expect(await t.server.store.headSeq(c.caseId, 'joint')).toBe(head);
    const after = await emit(customer, 'chat:send', { clientId: newClientId(), text: '那就这样' });
    expect(after.ok).toBe(true);
  });

  it('a caucus-only item: refused in the joint chat, allowed in its side’s caucus, and the other party never hears of it', async () => {
    const mediator = await room(c.tokens.mediator);
    const customer = await room(c.tokens.customer);
    const platform = await room(c.tokens.platform);
    const seen: unknown[] = [];
    platform.socket.onAny((_event: string, ...args: unknown[]) => seen.push(args));
    const head = await t.server.store.headSeq(c.caseId, 'joint');

    const joint = await emit(customer, 'chat:send', { clientId: newClientId(), text: '看', cites: [secret.id] });
    expect(joint.error).toMatchObject({ code: 'FORBIDDEN', reason: 'evidence.notShownToAll' });
    const byMediator = await emit(mediator, 'chat:send', { clientId: newClientId(), text: '看', cites: [secret.id] });
    expect(byMediator.error?.reason).toBe('evidence.notShownToAll');
    expect(await t.server.store.headSeq(c.caseId, 'joint')).toBe(head);

    expect((await emit(mediator, 'caucus:open', { userId: c.userIds.customer })).ok).toBe(true);
    const channel = caucusChannel(c.userIds.customer);
    const inCaucus = await emit(customer, 'chat:send', {
      clientId: newClientId(),
      text: '这是我的底线依据',
      channel,
      cites: [secret.id],
    });
    expect(inCaucus.ok).toBe(true);
    await waitFor(() => mediator.messages.some((m) => m.id === inCaucus.data?.message.id), 'the mediator has it');
    expect(mediator.messages.find((m) => m.id === inCaucus.data?.message.id)?.cites[0]?.name).toBe('底线.png');
    // The mediator cites it back in the same caucus.
    const back = await emit(mediator, 'chat:send', {
      clientId: newClientId(),
      text: '收到',
      channel,
      cites: [secret.id],
    });
    expect(back.ok).toBe(true);
    // Not in the platform's caucus (once opened): that is the other side.
    expect((await emit(mediator, 'caucus:close', {})).ok).toBe(true);
    expect((await emit(mediator, 'caucus:open', { userId: c.userIds.platform })).ok).toBe(true);
    const wrongCaucus = await emit(mediator, 'chat:send', {
      clientId: newClientId(),
      text: '对方的依据',
      channel: caucusChannel(c.userIds.platform),
      cites: [secret.id],
    });
    expect(wrongCaucus.error?.reason).toBe('evidence.notShownToAll');
    expect((await emit(mediator, 'caucus:close', {})).ok).toBe(true);

    // A message after all of it, to know the platform has everything it will get.
    const marker = await emit(mediator, 'chat:send', { clientId: newClientId(), text: '继续' });
    await waitFor(() => platform.messages.some((m) => m.id === marker.data?.message.id), 'the marker');
    const history = await emit(platform, 'chat:history', { channel: 'joint', limit: 100 });
    const everything = JSON.stringify([seen, platform.messages, history.data]);
    expect(everything).not.toContain(secret.id);
    expect(everything).not.toContain('底线.png');
  });

  it('the agreement takes a citation of this case’s item shown to both, and its canonical text shows it', async () => {
    const writer = docClient(c.tokens.mediator);
    await waitSynced(writer);
    draft(writer.doc).insert(0, '平台退还服务费480元');
    const p = writer.doc.getXmlFragment(AgreementDoc.body).get(0) as Y.XmlElement;
    p.insert(p.length, [citation(contract.id, '合同.pdf')]);
    await waitFor(
      async () => {
        const body = (await storedDoc()).getXmlFragment(AgreementDoc.body);
        return (
          [...body.createTreeWalker((n) => n instanceof Y.XmlElement && n.nodeName === 'evidenceRef')].length === 1
        );
      },
      'the citation stored',
      10_000,
    );
    expect(writer.closes).toEqual([]);
    const text = canonicalAgreementText(await storedDoc(), 'A-1', 'zh-CN');
    expect(text).toContain('平台退还服务费480元（见证据：合同.pdf）');
    expect(canonicalAgreementText(await storedDoc(), 'A-1', 'en')).toContain('(see evidence: 合同.pdf)');
  });

  const refusals: [string, () => Y.XmlElement, RegExp][] = [
    ['an item of another case', () => citation(foreign.id, '别人的.png'), /evidence\.otherCase/],
    ['an item shown in caucus to one side only', () => citation(secret.id, '底线.png'), /evidence\.notShownToAll/],
    ['an item under another name', () => citation(contract.id, '假合同.pdf'), /must carry its name/],
  ];
  it.each(refusals)(
    'the agreement refuses a citation of %s: closed with the reason, nothing stored',
    async (_w, make, reason) => {
      const before = JSON.stringify((await storedDoc()).getXmlFragment(AgreementDoc.body).toJSON());
      const mallory = docClient(c.tokens.customer);
      await waitSynced(mallory);
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('见附件 '), make()]);
      mallory.doc.getXmlFragment(AgreementDoc.body).insert(0, [p]);
      await waitFor(() => mallory.closes.length > 0, 'the writer is closed');
      expect(mallory.closes[0]?.code).toBe(CloseCode.MALFORMED);
      expect(mallory.closes[0]?.reason).toMatch(/^update refused: citation: /);
      expect(mallory.closes[0]?.reason).toMatch(reason);
      mallory.destroy();
      // Reconnect and read: nothing of it is there.
      const fresh = docClient(c.tokens.platform);
      await waitSynced(fresh);
      expect(JSON.stringify(fresh.doc.getXmlFragment(AgreementDoc.body).toJSON())).toBe(before);
      expect(JSON.stringify((await storedDoc()).getXmlFragment(AgreementDoc.body).toJSON())).toBe(before);
    },
  );

  it('a citation whose id is changed afterwards to another case’s item is refused too', async () => {
    const writer = docClient(c.tokens.mediator);
    await waitSynced(writer);
    const ref = writer.doc
      .getXmlFragment(AgreementDoc.body)
      .createTreeWalker((n) => n instanceof Y.XmlElement && n.nodeName === 'evidenceRef');
    const el = [...ref][0] as Y.XmlElement;
    el.setAttribute('id', foreign.id);
    await waitFor(() => writer.closes.length > 0, 'the writer is closed', 10_000);
    expect(writer.closes[0]?.reason).toMatch(/evidence\.otherCase/);
  });

  it('the other party’s room messages never named the caucus item (checked again after the agreement)', () => {
    const all: ChatMessage[] = rooms.filter((r) => r.token === c.tokens.platform).flatMap((r) => r.messages);
    expect(JSON.stringify(all)).not.toContain(secret.id);
  });

  it('the case’s audit log, whose chat entries bind the citations, verifies', async () => {
    expect((await verifyCaseAudit(t.server.store, c.caseId))?.findings).toEqual([]);
  });
});
