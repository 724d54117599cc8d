import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  AgreementDoc,
  DISPUTE_MODEL,
  agreementClauses,
  readTermsMap,
  type AssistantView,
  type ErrorBody,
  type IntakeResult,
  type ProposalDecisionResult,
  type ProvenanceView,
} from '@accord/shared';
import { DEMO_LENDER, createDemoCase } from '@accord/server';
import { paragraphs } from '../helpers/agreement-body';
import { connectDoc, waitSynced, type DocClient } from '../helpers/clients';
import { complaint, form, pdf } from '../helpers/files';
import { staffAccounts, fileComplaint } from '../helpers/cases';
import { httpClient } from '../helpers/http';
import { acceptInvite, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/** The fingerprint intake stores with its reading (server/src/cases/intake.ts). */
const MODEL_VERSION = createHash('sha256').update(JSON.stringify(DISPUTE_MODEL)).digest('hex').slice(0, 12);

type Who = 'admin' | 'reviewer' | 'mediator' | 'otherMediator' | 'lender';
type Failure = { error: ErrorBody };

/**
 * The assistant where the mediator meets it (issue 19): the working view for the case's mediator
 * and the centre's staff only, read lazily for a case intake never classified; corrections checked
 * and audited; a clause accepted or edited goes into the live agreement (read back by a stock
 * y-websocket client) with its provenance, a dropped one is recorded, nothing goes in while the
 * agreement is locked; which clauses came from it, everyone in the case may read.
 */
describe('the mediation assistant in the case and the room', () => {
  let t: TestServer;
  const call = httpClient(() => t.url);
  const tokens = {} as Record<Who, string>;
  const ids = {} as Record<Who, string>;
  let lenderId: string;
  let filed: IntakeResult;
  let customer: string;
  // The demo-like case: created by the system (no intake, no classification), its people through invites.
  let demo: { caseId: string; mediator: string; customer: string; platform: string };
  let reader: DocClient;

  const view = (token: string | undefined, caseId: string) =>
    call<AssistantView & Failure>('GET', `/api/cases/${caseId}/assistant`, token);
  const correct = (token: string, body: unknown, caseId = demo.caseId) =>
    call<AssistantView & Failure>('PUT', `/api/cases/${caseId}/assistant/corrections`, token, body);
  const decide = (token: string, body: unknown, caseId = demo.caseId) =>
    call<ProposalDecisionResult & Failure>('POST', `/api/cases/${caseId}/assistant/decisions`, token, body);
  const provenance = (token: string, caseId = demo.caseId) =>
    call<ProvenanceView & Failure>('GET', `/api/cases/${caseId}/assistant/provenance`, token);
  const entries = async (caseId: string) =>
    (await t.server.audit.all(caseId)).filter((e) => e.kind.startsWith('assistant.'));

  beforeAll(async () => {
    t = await startServer();
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    const roles: Record<Who, ['admin' | 'reviewer' | 'mediator' | 'platform', string | undefined]> = {
      admin: ['admin', undefined],
      reviewer: ['reviewer', undefined],
      mediator: ['mediator', undefined],
      otherMediator: ['mediator', undefined],
      lender: ['platform', lenderId],
    };
    const staff = await staffAccounts(t, 'assist', roles);
    Object.assign(ids, staff.ids);
    Object.assign(tokens, staff.tokens);
    ({ filed, token: customer } = await fileComplaint(t.url, lenderId));

    const made = await createDemoCase(t.server.cases, t.server.accounts);
    const [m, c, p] = await Promise.all([
      acceptInvite(t.url, made.invites.mediator),
      acceptInvite(t.url, made.invites.customer),
      acceptInvite(t.url, made.invites.platform),
    ]);
    demo = { caseId: made.caseId, mediator: m.token, customer: c.token, platform: p.token };
    // The session is under way (drafting, no waiting room), as it is when clauses are decided.
    await t.server.store.updateRoomState(demo.caseId, { lobby: false, phase: 'drafting' });
  });
  afterAll(async () => {
    reader?.destroy();
    await t.close();
  });

  it('intake stores the classifier’s reading of a new complaint', async () => {
    const stored = await t.server.store.getAssistant(filed.caseId);
    expect(stored).toMatchObject({
      caseId: filed.caseId,
      modelType: 'fees_charges',
      modelVersion: MODEL_VERSION,
      correctedType: null,
      correctedFacts: null,
    });
    expect(stored?.modelProbability).toBeGreaterThan(0.5);
  });

  it("the case's mediator (staff session), admins and reviewers read the view; the customer, the lender and strangers do not", async () => {
    const c = filed.caseId;
    expect((await call('POST', `/api/cases/${c}/review`, tokens.reviewer, { decision: 'start' })).status).toBe(200);
    expect(
      (
        await call('POST', `/api/cases/${c}/review`, tokens.reviewer, {
          decision: 'accept',
          platformUserId: ids.lender,
        })
      ).status,
    ).toBe(200);
    expect((await call('POST', `/api/cases/${c}/assign`, tokens.admin, { mediatorUserId: ids.mediator })).status).toBe(
      200,
    );
    for (const who of ['mediator', 'admin', 'reviewer'] as const) {
      const res = await view(tokens[who], c);
      expect(res.status, who).toBe(200);
      expect(res.body.mayDecide, who).toBe(who === 'mediator');
    }
    const res = (await view(tokens.mediator, c)).body;
    // The text the facts were read from, its parts, the form's amount, the reading and the proposal.
    expect(res.complaint.text).toBe(`${complaint().description}\n${complaint().desiredOutcome}`);
    expect(res.complaint.sections.map((s) => res.complaint.text.slice(s.start, s.end))).toEqual([
      complaint().description,
      complaint().desiredOutcome,
    ]);
    expect(res.form.amountInDisputeCents).toBe(128_000);
    for (const { fact } of res.facts)
      expect(res.complaint.text.slice(fact.span.start, fact.span.end)).toBe(fact.span.text);
    expect(res.facts.some((f) => f.fact.kind === 'amount' && f.fact.cents === 80_000)).toBe(true);
    expect(res.model.type).toBe('fees_charges');
    expect(res.model.ranking).toHaveLength(8);
    expect(res.model.ranking[0]).toEqual({ type: res.model.type, probability: res.model.probability });
    expect(res.proposal.items.length).toBeGreaterThan(0);
    expect(res.proposal.disclaimer).toContain('不构成法律意见');
    // Scheduled, not in session yet: nothing can go into the agreement.
    expect(res.agreementOpen).toBe(false);

    for (const [who, token] of [
      ['customer', customer],
      ['lender', tokens.lender],
      ['another mediator', tokens.otherMediator],
    ] as const) {
      const refused = await view(token, c);
      expect(refused.status, who).toBe(403);
      expect(refused.body.error.code, who).toBe('FORBIDDEN');
    }
    expect((await view(undefined, c)).status).toBe(401);
    // The demo case's people are strangers to this one.
    expect((await view(demo.mediator, c)).status).toBe(403);
  });

  it('a case intake never classified (the demo) is read on first view, by the same model; its mediator reads it through the invite', async () => {
    expect(await t.server.store.getAssistant(demo.caseId)).toBeNull();
    const res = await view(demo.mediator, demo.caseId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ language: 'zh-CN', mayDecide: true, agreementOpen: true, type: 'fees_charges' });
    expect(await t.server.store.getAssistant(demo.caseId)).toMatchObject({
      modelType: res.body.model.type,
      modelProbability: res.body.model.probability,
      modelVersion: MODEL_VERSION,
    });
    for (const token of [demo.customer, demo.platform]) {
      const refused = await view(token, demo.caseId);
      expect(refused.status).toBe(403);
      expect(refused.body.error.reason).toBe('assistant.mediatorOnly');
    }
  });

  it('bad corrections are refused with the problem named and nothing stored; good ones apply to the view and are audited by kind', async () => {
    const before = (await view(demo.mediator, demo.caseId)).body;
    const facts = before.facts.map((f) => f.fact);
    const fee800 = facts.findIndex((f) => f.kind === 'amount' && f.cents === 80_000);
    expect(fee800).toBeGreaterThanOrEqual(0);
    const bad: [string, unknown, string, string?][] = [
      ['an unknown type', { type: 'usury', facts: null }, 'type'],
      ['a negative amount', { type: null, facts: [{ ...facts[fee800], cents: -5 }] }, 'facts.0.cents'],
      ['an unknown fee', { type: null, facts: [{ kind: 'fee', fee: 'bribe', span: facts[0]?.span }] }, 'facts.0.fee'],
      ['a missing field', { type: null }, 'facts'],
      ['an unknown field', { type: null, facts: null, note: 'x' }, '(root)'],
      [
        'a span that is not the text there',
        { type: null, facts: [{ ...facts[fee800], span: { ...facts[fee800]?.span, text: '人民币900元' } }] },
        'facts.0.span.text',
        'assistant.spanMismatch',
      ],
      [
        'a span past the end',
        { type: null, facts: [{ ...facts[fee800], span: { start: 9000, end: 9005, text: 'xxxxx' } }] },
        'facts.0.span',
        'assistant.spanMismatch',
      ],
    ];
    for (const [what, body, path, reason] of bad) {
      const res = await correct(demo.mediator, body);
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe('VALIDATION_FAILED');
      expect(res.body.error.issues?.map((i) => i.path) ?? [], what).toContain(path);
      if (reason) expect(res.body.error.reason, what).toBe(reason);
    }
    // Someone who may not correct is refused before the body is looked at.
    const byCustomer = await correct(demo.customer, { nonsense: true });
    expect(byCustomer.status).toBe(403);
    expect(byCustomer.body.error.reason).toBe('assistant.mediatorOnly');
    expect(await t.server.store.getAssistant(demo.caseId)).toMatchObject({ correctedType: null, correctedFacts: null });
    expect(await entries(demo.caseId)).toHaveLength(0);

    // The mediator reads 900 where the text says 800, drops the first fact, and sets the type to hardship.
    const corrected = facts.flatMap((f, i) => (i === 0 ? [] : i === fee800 ? [{ ...f, cents: 90_000 }] : [f]));
    const res = await correct(demo.mediator, { type: 'hardship_repayment', facts: corrected });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'hardship_repayment',
      correctedType: 'hardship_repayment',
      factsCorrected: true,
      factsRead: facts.length,
      corrections: { by: '张律师（调解员）' },
    });
    expect(res.body.model.type).toBe(before.model.type);
    expect(res.body.facts.map((f) => f.fact)).toEqual(corrected);
    expect(res.body.facts.filter((f) => f.corrected).map((f) => f.fact)).toEqual([{ ...facts[fee800], cents: 90_000 }]);
    // The proposal is made for the corrected type: a repayment plan with its terms.
    expect(res.body.proposal.type).toBe('hardship_repayment');
    expect(res.body.proposal.items.find((i) => i.id === 'hardship.plan')?.terms?.planKind).toBeTruthy();
    expect((await view(demo.mediator, demo.caseId)).body.facts).toEqual(res.body.facts);

    const audit = await entries(demo.caseId);
    expect(audit.map((e) => [e.kind, (e.data as { detail: unknown }).detail])).toEqual([
      [
        'assistant.corrected',
        {
          typeFrom: before.model.type,
          typeTo: 'hardship_repayment',
          typeCorrected: true,
          factsCorrected: true,
          factsRead: facts.length,
          factsNow: facts.length - 1,
        },
      ],
    ]);
    // What changed in kind, never the complaint's words.
    expect(JSON.stringify(audit)).not.toContain('违约金');
  });

  it('an accepted plan clause goes into the live agreement as a new paragraph with its terms, its author the mediator, recorded and audited', async () => {
    reader = connectDoc(t.url, demo.caseId, demo.customer);
    await waitSynced(reader);
    const item = (await view(demo.mediator, demo.caseId)).body.proposal.items.find((i) => i.id === 'hardship.plan');
    if (!item?.terms) throw new Error('no plan proposed');
    const res = await decide(demo.mediator, { itemId: 'hardship.plan', action: 'accepted' });
    expect(res.status).toBe(201);
    const { decision } = res.body;
    expect(decision).toMatchObject({ seq: 1, itemId: 'hardship.plan', action: 'accepted', by: '张律师（调解员）' });
    expect(decision.clauseId).toMatch(/^\d+\.\d+$/);

    // The stock client, connected as the customer, receives it.
    await waitFor(() => paragraphs(reader.doc).includes(decision.text), 'the clause reaches the customer');
    expect(decision.text).toBe(item.text.replace(/\s*\n\s*/g, ' '));
    const clause = agreementClauses(reader.doc, 'zh-CN').find((c) => c.text === decision.text);
    expect(clause?.id).toBe(decision.clauseId);
    const terms = readTermsMap(reader.doc.getMap(AgreementDoc.terms));
    for (const [key, value] of Object.entries(item.terms)) expect(terms[key as keyof typeof terms], key).toEqual(value);

    // The clause's author is the mediator (the consent panel names who proposed it); no consent yet.
    const authors = await t.server.store.listDocAuthors(demo.caseId);
    expect(authors.find((a) => a.client === clause?.client)).toMatchObject({ role: 'mediator' });
    expect((await t.server.store.listConsent(demo.caseId)).filter((c) => c.clauseId === clause?.id)).toEqual([]);

    const [use] = await t.server.store.listProposalUses(demo.caseId);
    expect(use).toMatchObject({ itemId: 'hardship.plan', action: 'accepted', clauseId: decision.clauseId });
    expect(JSON.parse(use?.source ?? '{}')).toMatchObject({
      template: 'hardship.plan',
      version: item.templateVersion,
      rules: item.ruleIds,
      type: 'hardship_repayment',
      modelVersion: MODEL_VERSION,
    });
    const added = (await entries(demo.caseId)).filter((e) => e.kind === 'assistant.clause_added');
    expect(added.map((e) => (e.data as { detail: unknown }).detail)).toMatchObject([
      { itemId: 'hardship.plan', edited: false, clauseId: decision.clauseId },
    ]);
    // Who changed which term is in the terms history too.
    const termEntries = (await t.server.audit.all(demo.caseId)).filter((e) => e.kind === 'terms.changed');
    expect(termEntries.map((e) => (e.data as { detail: { term: string } }).detail.term)).toContain('planKind');

    // Accepted once: a second time is refused, nothing added.
    const again = await decide(demo.mediator, { itemId: 'hardship.plan', action: 'accepted' });
    expect(again.status).toBe(409);
    expect(again.body.error.reason).toBe('assistant.alreadyAdded');
  });

  it('an edited clause goes in as edited; a dropped one is recorded with no clause; bad decisions are named', async () => {
    const items = (await view(demo.mediator, demo.caseId)).body.proposal.items;
    const [edit, drop] = items.filter((i) => i.id !== 'hardship.plan');
    if (!edit || !drop) throw new Error('the proposal has too few clauses');
    for (const [what, body, path] of [
      ['an edit without text', { itemId: edit.id, action: 'edited' }, 'text'],
      ['an accept with text', { itemId: edit.id, action: 'accepted', text: '别的' }, 'text'],
      ['an empty edit', { itemId: edit.id, action: 'edited', text: '   ' }, 'text'],
      ['a clause too long', { itemId: edit.id, action: 'edited', text: '长'.repeat(2001) }, 'text'],
      ['an unknown action', { itemId: edit.id, action: 'maybe' }, 'action'],
    ] as const) {
      const res = await decide(demo.mediator, body);
      expect(res.status, what).toBe(400);
      expect(
        res.body.error.issues?.map((i) => i.path),
        what,
      ).toContain(path);
    }
    const unknown = await decide(demo.mediator, { itemId: 'nothing.here', action: 'dropped' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ reason: 'assistant.noSuchItem', params: { itemId: 'nothing.here' } });
    const byPlatform = await decide(demo.platform, { itemId: edit.id, action: 'accepted' });
    expect(byPlatform.body.error.reason).toBe('assistant.mediatorOnly');

    const text = '贷款方同意自本协议签订之日起停止计收罚息，并于十个工作日内书面确认。';
    const edited = await decide(demo.mediator, { itemId: edit.id, action: 'edited', text: `  ${text}\n` });
    expect(edited.status).toBe(201);
    expect(edited.body.decision).toMatchObject({ action: 'edited', text });
    await waitFor(() => paragraphs(reader.doc).includes(text), 'the edited clause reaches the customer');
    expect(paragraphs(reader.doc)).not.toContain(edit.text);

    const dropped = await decide(demo.mediator, { itemId: drop.id, action: 'dropped' });
    expect(dropped.status).toBe(201);
    expect(dropped.body.decision).toMatchObject({ action: 'dropped', clauseId: null, text: '' });
    expect(paragraphs(reader.doc)).not.toContain(drop.text);

    const decisions = (await view(demo.mediator, demo.caseId)).body.decisions;
    expect(decisions.map((d) => [d.seq, d.itemId, d.action])).toEqual([
      [1, 'hardship.plan', 'accepted'],
      [2, edit.id, 'edited'],
      [3, drop.id, 'dropped'],
    ]);
    expect((await entries(demo.caseId)).map((e) => e.kind)).toEqual([
      'assistant.corrected',
      'assistant.clause_added',
      'assistant.clause_added',
      'assistant.item_dropped',
    ]);
  });

  it('nothing goes into a locked agreement, nor during signing; nothing changes', async () => {
    // The dropped clause: the mediator may still reconsider it, but not into a locked or frozen agreement.
    const target = (await t.server.store.listProposalUses(demo.caseId)).find((u) => u.action === 'dropped');
    if (!target) throw new Error('no dropped clause');
    const before = {
      paragraphs: paragraphs(reader.doc),
      uses: (await t.server.store.listProposalUses(demo.caseId)).length,
      audit: (await entries(demo.caseId)).length,
    };
    const state = await t.server.store.getRoomState(demo.caseId);
    await t.server.store.updateRoomState(demo.caseId, { agreementLocked: true }, state.version);
    const locked = await decide(demo.mediator, { itemId: target.itemId, action: 'accepted' });
    expect(locked.status).toBe(409);
    expect(locked.body.error.reason).toBe('assistant.agreementLocked');
    expect((await view(demo.mediator, demo.caseId)).body.agreementOpen).toBe(false);

    const lockedState = await t.server.store.getRoomState(demo.caseId);
    await t.server.store.updateRoomState(
      demo.caseId,
      { agreementLocked: false, phase: 'signing' },
      lockedState.version,
    );
    const signing = await decide(demo.mediator, { itemId: target.itemId, action: 'edited', text: '任何文字' });
    expect(signing.status).toBe(409);
    expect(signing.body.error).toMatchObject({ reason: 'assistant.agreementClosed', params: { phase: 'signing' } });

    // A stored copy as well as the live one: nothing was written.
    await t.server.docs.flush(demo.caseId);
    const stored = await t.server.store.loadDoc(demo.caseId);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
    expect(paragraphs(doc)).toEqual(before.paragraphs);
    doc.destroy();
    expect(paragraphs(reader.doc)).toEqual(before.paragraphs);
    expect(await t.server.store.listProposalUses(demo.caseId)).toHaveLength(before.uses);
    expect(await entries(demo.caseId)).toHaveLength(before.audit);
    const back = await t.server.store.getRoomState(demo.caseId);
    await t.server.store.updateRoomState(demo.caseId, { phase: 'drafting' }, back.version);
  });

  it("the proposal follows the customer's declared hardship and the lender's plan limits", async () => {
    const [proof] = (
      await call<{ id: string }[]>(
        'POST',
        `/api/cases/${demo.caseId}/evidence`,
        demo.customer,
        form({}, [{ name: '失业证明.pdf', data: pdf('termination') }]),
      )
    ).body;
    const declared = await call('PUT', `/api/cases/${demo.caseId}/hardship`, demo.customer, {
      kind: 'job_loss',
      since: '2026-09-30',
      description: '公司裁员，我于九月底失业，目前没有收入来源。',
      evidenceIds: [proof?.id],
    });
    expect(declared.status).toBe(200);
    const lender = (await t.server.accounts.lenders()).find((l) => l.name === DEMO_LENDER);
    const policy = { maxInstalments: 6, maxWaiverCents: 0, maxHolidayMonths: 0 };
    expect((await call('PUT', `/api/lenders/${lender?.id ?? ''}/plan-policy`, tokens.admin, { policy })).status).toBe(
      200,
    );
    const plan = (await view(demo.mediator, demo.caseId)).body.proposal.items.find((i) => i.id === 'hardship.plan');
    expect(plan?.text).toContain('失业');
    expect(plan?.terms?.instalments).toBeLessThanOrEqual(6);
    expect(plan?.terms?.planHolidayMonths ?? 0).toBe(0);
  });

  it('everyone in the case reads which clauses came from the proposal: no probabilities, no dropped clauses', async () => {
    const uses = await t.server.store.listProposalUses(demo.caseId);
    for (const token of [demo.customer, demo.platform, demo.mediator]) {
      const res = await provenance(token);
      expect(res.status).toBe(200);
      expect(res.body.clauses.map((c) => [c.clauseId, c.action, c.by])).toEqual(
        uses.filter((u) => u.clauseId !== null).map((u) => [u.clauseId, u.action, '张律师（调解员）']),
      );
      for (const c of res.body.clauses) expect(c.heading).not.toBe('');
      // As the clause went in: a client tells from it whether the agreement's text changed since.
      expect(res.body.clauses.map((c) => c.text)).toEqual(uses.filter((u) => u.clauseId !== null).map((u) => u.text));
      expect(JSON.stringify(res.body)).not.toContain('probability');
    }
    // Clause ids are the agreement's own: the consent system's.
    const ids = agreementClauses(reader.doc, 'zh-CN').map((c) => c.id);
    for (const c of (await provenance(demo.customer)).body.clauses) expect(ids).toContain(c.clauseId);
    // Not a stranger's to read.
    expect((await provenance(customer)).status).toBe(403);
  });
});
