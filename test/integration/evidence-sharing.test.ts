import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CaseDetail,
  CaseExport,
  CaseHistoryEntry,
  ErrorBody,
  EvidenceView,
  IntakeResult,
  RoomInviteResult,
} from '@accord/shared';
import { staffAccounts, fileComplaint } from '../helpers/cases';
import { connectRoom, type RoomClient } from '../helpers/clients';
import { form, pdf, png } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { acceptInvite, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

type Who = 'admin' | 'reviewer' | 'mediator' | 'lenderRep' | 'lenderStaff';
type Seen = { event: string; payload: string };

/**
 * Evidence from both sides in the room (issue 21): the lender's representative and the mediator add
 * it with the customer's content checks; the mediator shows an item to both parties or in caucus to
 * one side, and an item shown in caucus never reaches the other side by any path (the list, the
 * download, the staff detail and history, the staff watch, the export, the room's socket).
 */
describe('evidence sharing', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const tokens = {} as Record<Who, string>;
  const ids = {} as Record<Who, string>;
  let filed: IntakeResult;
  let customerTracking: string;
  let customerRoom: string;
  const rooms: RoomClient[] = [];
  const sockets: Socket[] = [];
  /** Everything each socket heard, in order, payloads as JSON. */
  const heard = { platform: [] as Seen[], customer: [] as Seen[], mediator: [] as Seen[], watch: [] as Seen[] };

  const caseId = () => filed.caseId;
  const list = (token: string) => call<EvidenceView[]>('GET', `/api/cases/${caseId()}/evidence`, token);
  const upload = (token: string, files: { name: string; data: Buffer }[], fields: Record<string, string> = {}) =>
    call<EvidenceView[] & { error: ErrorBody }>('POST', `/api/cases/${caseId()}/evidence`, token, form(fields, files));
  const share = (token: string, id: string, body: unknown) =>
    call<EvidenceView & { error: ErrorBody }>('PUT', `/api/cases/${caseId()}/evidence/${id}/sharing`, token, body);
  const download = (token: string, id: string) =>
    call<{ error: ErrorBody }>('GET', `/api/cases/${caseId()}/evidence/${id}`, token);
  const stored = () => {
    const dir = join(t.dataDir, 'evidence', caseId());
    return existsSync(dir) ? readdirSync(dir).length : 0;
  };
  const record = (into: Seen[], socket: Socket) =>
    socket.onAny((event: string, payload: unknown) => into.push({ event, payload: JSON.stringify(payload) ?? '' }));
  const nudges = (seen: Seen[]) => seen.filter((s) => s.event === 'evidence:changed').length;
  /** Whether anything a socket heard names the item (its id, its name or its hash). */
  const mentions = (seen: Seen[], e: EvidenceView) =>
    seen.some((s) => s.payload.includes(e.id) || s.payload.includes(e.name) || s.payload.includes(e.sha256));

  beforeAll(async () => {
    t = await startServer();
    const lender = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    const made = await staffAccounts(t, 'evshare', {
      admin: ['admin'],
      reviewer: ['reviewer'],
      mediator: ['mediator', undefined, '李调解员'],
      lenderRep: ['platform', lender, '甲方代表'],
      lenderStaff: ['platform', lender, '甲方法务'],
    });
    Object.assign(ids, made.ids);
    Object.assign(tokens, made.tokens);
    ({ filed, token: customerTracking } = await fileComplaint(t.url, lender));
    const c = caseId();
    expect((await call('POST', `/api/cases/${c}/review`, tokens.reviewer, { decision: 'start' })).status).toBe(200);
    const body = { decision: 'accept', platformUserId: ids.lenderRep };
    expect((await call('POST', `/api/cases/${c}/review`, tokens.reviewer, body)).status).toBe(200);
    const assign = { mediatorUserId: ids.mediator };
    expect((await call('POST', `/api/cases/${c}/assign`, tokens.admin, assign)).status).toBe(200);
    const startsAt = new Date(Date.now() + 7 * 24 * 3600_000).toISOString().slice(0, 16) + ':00';
    const when = { startsAt, timeZone: 'Asia/Shanghai' };
    expect((await call('POST', `/api/cases/${c}/schedule`, tokens.mediator, when)).status).toBe(200);

    const mediator = await connectRoom(t.url, tokens.mediator, c);
    rooms.push(mediator);
    record(heard.mediator, mediator.socket);
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'opening' })).ok).toBe(true);
    const platform = await connectRoom(t.url, tokens.lenderRep, c, { waitFor: 'lobby' });
    rooms.push(platform);
    record(heard.platform, platform.socket);
    expect((await mediator.socket.emitWithAck('lobby:admit', { userId: ids.lenderRep })).ok).toBe(true);
    await waitFor(() => platform.welcomes.length > 0, 'the lender rep admitted');
    const invite = await call<RoomInviteResult>('GET', `/api/cases/${c}/room-invite`, customerTracking);
    const accepted = await acceptInvite(t.url, invite.body.url);
    customerRoom = accepted.token;
    const customer = await connectRoom(t.url, customerRoom, c, { waitFor: 'lobby' });
    rooms.push(customer);
    record(heard.customer, customer.socket);
    expect((await mediator.socket.emitWithAck('lobby:admit', { userId: accepted.userId })).ok).toBe(true);
    await waitFor(() => customer.welcomes.length > 0, 'the customer admitted');

    // Another of the lender's staff follows the case from the staff pages.
    const watch = io(`${t.url}/track`, {
      transports: ['websocket'],
      auth: { token: tokens.lenderStaff, caseId: c, watch: true },
      reconnection: false,
    });
    sockets.push(watch);
    record(heard.watch, watch);
    await waitFor(() => watch.connected, 'the lender staff watch connected');
  });
  afterAll(async () => {
    for (const r of rooms) r.close();
    for (const s of sockets) s.close();
    await t.close();
  });

  let repItem: EvidenceView;
  let mediatorItem: EvidenceView;

  it('the platform member and the mediator add evidence; the list names who added it and when; everyone is nudged', async () => {
    const before = { platform: nudges(heard.platform), customer: nudges(heard.customer) };
    const rep = await upload(tokens.lenderRep, [{ name: '还款记录.png', data: png }]);
    expect(rep.status).toBe(201);
    repItem = rep.body[0] as EvidenceView;
    expect(repItem).toMatchObject({
      uploadedBy: { userId: ids.lenderRep, role: 'platform', name: '甲方代表' },
      shownTo: 'both',
      caucusSide: null,
    });
    const med = await upload(tokens.mediator, [{ name: '调解笔录.pdf', data: pdf('Mediation notes') }]);
    expect(med.status).toBe(201);
    mediatorItem = med.body[0] as EvidenceView;
    expect(mediatorItem.uploadedBy).toMatchObject({ role: 'mediator', name: '李调解员' });

    const seen = await list(customerRoom);
    expect(seen.status).toBe(200);
    const byId = new Map(seen.body.map((e) => [e.id, e]));
    expect(byId.get(repItem.id)?.uploadedAt).toBe(repItem.uploadedAt);
    expect(byId.get(mediatorItem.id)?.uploadedBy.name).toBe('李调解员');
    // The complaint's own contract, from the customer: no name is shown for the customer.
    expect(seen.body.find((e) => e.uploadedBy.role === 'customer')?.uploadedBy.name).toBeNull();
    await waitFor(() => nudges(heard.platform) >= before.platform + 2, 'the platform nudged twice');
    await waitFor(() => nudges(heard.customer) >= before.customer + 2, 'the customer nudged twice');
    expect(heard.customer.find((s) => s.event === 'evidence:changed')?.payload).toBe(
      JSON.stringify({ caseId: caseId() }),
    );
  });

  it('a file that fails the content checks is refused and nothing is stored', async () => {
    const files = stored();
    const count = (await list(tokens.mediator)).body.length;
    for (const token of [tokens.lenderRep, tokens.mediator]) {
      const res = await upload(token, [{ name: '合同.pdf', data: Buffer.from('<html>not a pdf</html>') }]);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', reason: 'evidence.wrongType' });
    }
    expect(stored()).toBe(files);
    expect((await list(tokens.mediator)).body).toHaveLength(count);
  });

  let secret: EvidenceView;

  it('an item the mediator shows in caucus to the customer never reaches the lender by any path', async () => {
    const c = caseId();
    const mark = { platform: heard.platform.length, watch: heard.watch.length, customer: nudges(heard.customer) };
    const res = await upload(tokens.mediator, [{ name: '借款人私下材料.pdf', data: pdf('caucus only') }], {
      caucus: 'customer',
    });
    expect(res.status).toBe(201);
    secret = res.body[0] as EvidenceView;
    expect(secret).toMatchObject({ shownTo: 'caucus', caucusSide: 'customer' });

    // The customer and the mediator see it, and were told.
    await waitFor(() => nudges(heard.customer) > mark.customer, 'the customer nudged');
    for (const token of [customerRoom, customerTracking, tokens.mediator, tokens.reviewer, tokens.admin]) {
      expect((await list(token)).body.map((e) => e.id)).toContain(secret.id);
    }
    expect((await download(customerRoom, secret.id)).status).toBe(200);

    // The lender: neither its representative in the room nor its staff.
    for (const token of [tokens.lenderRep, tokens.lenderStaff]) {
      expect((await list(token)).body.map((e) => e.id)).not.toContain(secret.id);
      const dl = await download(token, secret.id);
      expect(dl.status).toBe(404);
      expect(dl.body.error).toMatchObject({ code: 'NOT_FOUND', reason: 'evidence.notFound' });
      const detail = await call<CaseDetail>('GET', `/api/cases/${c}/detail`, token);
      expect(detail.status).toBe(200);
      expect(JSON.stringify(detail.body)).not.toContain(secret.id);
      const history = await call<CaseHistoryEntry[]>('GET', `/api/cases/${c}/history`, token);
      const neutral = await call<CaseHistoryEntry[]>('GET', `/api/cases/${c}/history`, tokens.reviewer);
      const added = (h: CaseHistoryEntry[]) => h.filter((e) => e.kind === 'evidence_added').length;
      expect(added(history.body)).toBe(added(neutral.body) - 1);
    }
    // The customer's export holds it.
    const exported = await call<CaseExport>('GET', `/api/cases/${c}/export`, customerTracking);
    expect(exported.body.documents.map((d) => d.name)).toContain(secret.name);

    // A later change everyone may see: once the lender has heard of it, it has heard all it will.
    const later = await upload(tokens.mediator, [{ name: '公开材料.png', data: png }]);
    expect(later.status).toBe(201);
    await waitFor(() => heard.platform.slice(mark.platform).some((s) => s.event === 'evidence:changed'), 'a nudge');
    await waitFor(() => heard.watch.slice(mark.watch).some((s) => s.event === 'case:evidence'), 'the watch');
    expect(nudges(heard.platform.slice(mark.platform)), 'one nudge: the later item').toBe(1);
    expect(mentions(heard.platform, secret)).toBe(false);
    expect(mentions(heard.watch, secret)).toBe(false);
    expect(heard.watch.slice(mark.watch).filter((s) => s.event === 'case:evidence')).toHaveLength(1);
  });

  it('moving an item from both to caucus takes it from the other side; the change is audited', async () => {
    const mark = nudges(heard.platform);
    const res = await share(tokens.mediator, repItem.id, { shownTo: 'caucus', side: 'customer' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: repItem.id, shownTo: 'caucus', caucusSide: 'customer' });
    // The lender saw it before: told to refetch, and it is gone for them.
    await waitFor(() => nudges(heard.platform) > mark, 'the platform told to refetch');
    expect((await list(tokens.lenderRep)).body.map((e) => e.id)).not.toContain(repItem.id);
    expect((await download(tokens.lenderRep, repItem.id)).status).toBe(404);
    const entries = (await t.server.audit.all(caseId())).filter((e) => e.kind === 'evidence.shared');
    expect(entries.at(-1)).toMatchObject({
      actorId: ids.mediator,
      data: { evidenceId: repItem.id, shownTo: 'caucus', side: 'customer' },
    });
    // Shown to both again.
    expect((await share(tokens.mediator, repItem.id, { shownTo: 'both' })).status).toBe(200);
    expect((await list(tokens.lenderRep)).body.map((e) => e.id)).toContain(repItem.id);
  });

  it('a party cannot change sharing; nor can the centre; bad bodies are refused', async () => {
    const cases: [string, string, unknown, number, string?][] = [
      ['the customer', customerRoom, { shownTo: 'both' }, 403, 'evidence.mediatorOnly'],
      ['the lender rep', tokens.lenderRep, { shownTo: 'both' }, 403, 'evidence.mediatorOnly'],
      ['the lender staff', tokens.lenderStaff, { shownTo: 'both' }, 403, 'evidence.mediatorOnly'],
      ['a reviewer', tokens.reviewer, { shownTo: 'both' }, 403, 'evidence.mediatorOnly'],
      ['a side missing', tokens.mediator, { shownTo: 'caucus' }, 400],
      ['an unknown side', tokens.mediator, { shownTo: 'caucus', side: 'observer' }, 400],
    ];
    for (const [what, token, body, status, reason] of cases) {
      const res = await share(token, secret.id, body);
      expect(res.status, what).toBe(status);
      if (reason) expect(res.body.error.reason, what).toBe(reason);
    }
    expect((await list(tokens.mediator)).body.find((e) => e.id === secret.id)).toMatchObject({
      shownTo: 'caucus',
      caucusSide: 'customer',
    });
    expect((await list(tokens.lenderRep)).body.map((e) => e.id)).not.toContain(secret.id);
  });

  it("a party's own caucus upload is not seen by the other side; another side's caucus is refused", async () => {
    const mark = { customer: heard.customer.length, mediator: nudges(heard.mediator) };
    const own = await upload(tokens.lenderRep, [{ name: '内部审批单.png', data: png }], { caucus: 'lender' });
    expect(own.status).toBe(201);
    const item = own.body[0] as EvidenceView;
    expect(item).toMatchObject({ shownTo: 'caucus', caucusSide: 'lender', uploadedBy: { role: 'platform' } });
    await waitFor(() => nudges(heard.mediator) > mark.mediator, 'the mediator nudged');
    expect((await list(tokens.lenderStaff)).body.map((e) => e.id)).toContain(item.id);
    for (const token of [customerRoom, customerTracking]) {
      expect((await list(token)).body.map((e) => e.id)).not.toContain(item.id);
      expect((await download(token, item.id)).status).toBe(404);
    }
    const exported = await call<CaseExport>('GET', `/api/cases/${caseId()}/export`, customerTracking);
    expect(exported.body.documents.map((d) => d.name)).not.toContain(item.name);

    const files = stored();
    for (const [token, side] of [
      [tokens.lenderRep, 'customer'],
      [customerRoom, 'lender'],
      [tokens.reviewer, 'customer'],
    ] as const) {
      const res = await upload(token, [{ name: 'x.png', data: png }], { caucus: side });
      expect(res.status, side).toBe(403);
      expect(res.body.error.reason).toBe('evidence.caucusNotYours');
    }
    expect(stored()).toBe(files);

    // Shown to both now: the customer is told, and only then hears of it.
    expect(mentions(heard.customer.slice(mark.customer), item)).toBe(false);
    expect(nudges(heard.customer.slice(mark.customer))).toBe(0);
    expect((await share(tokens.mediator, item.id, { shownTo: 'both' })).status).toBe(200);
    await waitFor(() => nudges(heard.customer.slice(mark.customer)) > 0, 'the customer nudged');
    expect((await list(customerRoom)).body.map((e) => e.id)).toContain(item.id);
  });

  it('no oracle: a hidden item answers as an unknown id does; a forged caucus field is refused and nothing is stored', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const hidden = await download(tokens.lenderRep, secret.id);
    const none = await download(tokens.lenderRep, unknown);
    expect(hidden).toEqual(none);
    // The sharing route refuses a party before looking the item up: the same for a hidden item as for any.
    const onHidden = await share(tokens.lenderRep, secret.id, { shownTo: 'both' });
    const onUnknown = await share(tokens.lenderRep, unknown, { shownTo: 'both' });
    expect(onHidden).toEqual(onUnknown);

    const files = stored();
    const count = (await list(tokens.mediator)).body.length;
    const forged: Record<string, string>[] = [
      { caucus: 'both' },
      { caucus: 'observer' },
      { caucus: 'customer', shownTo: 'both' },
    ];
    for (const fields of forged) {
      const res = await upload(tokens.mediator, [{ name: 'x.pdf', data: pdf('forged') }], fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(stored()).toBe(files);
    expect((await list(tokens.mediator)).body).toHaveLength(count);
  });
});
