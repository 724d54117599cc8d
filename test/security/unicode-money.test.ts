import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, canonicalAgreementText, nameSkeleton, type ErrorBody, type InviteView } from '@accord/shared';
import { connectDoc, waitSynced, type DocClient } from '../helpers/clients';
import { complaint as complaintOf, form, type Complaint } from '../helpers/files';
import { httpClient } from '../helpers/http';
import { startServer, type TestCase, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/**
 * Issue 8, item 11: Unicode spoofing in names, and amounts that are not integer cents.
 * Every refusal names the field, stores nothing, and leaves the room working for the others.
 * The browser's terms panel parses yuan by string arithmetic (`client/src/agreement/terms.test.ts`);
 * here is what reaches the server by any path.
 */
/** The lender complaints here are against: made when the server starts. */
let lenderId = '';
const complaint = (over: Partial<Complaint> = {}) => complaintOf({ lenderId, ...over });

describe('Unicode spoofing and money', () => {
  let t: TestServer;
  let c: TestCase;
  let staffToken: string;
  const call = httpClient(() => t.url);
  const invite = (displayName: string) =>
    call<InviteView & { error?: ErrorBody }>('POST', `/api/cases/${c.caseId}/invites`, c.tokens.mediator, {
      role: 'observer',
      displayName,
    });
  const members = async () => (await t.server.store.listMembers(c.caseId)).map((m) => m.displayName).sort();

  beforeAll(async () => {
    t = await startServer();
    lenderId = (await t.server.accounts.createLender(null, '甲消费金融')).id;
    c = await t.createCase();
    await t.server.cases.createStaff(null, {
      username: 'money.staff',
      displayName: 'Staff',
      staffRole: 'reviewer',
      password: 'correct horse battery',
    });
    const login = await call<{ token: string }>('POST', '/api/auth/login', undefined, {
      username: 'money.staff',
      password: 'correct horse battery',
    });
    staffToken = login.body.token;
  });
  afterAll(() => t.close());

  describe('display names', () => {
    it.each([
      ['a right-to-left override', 'Eve\u202Egnp.exe'],
      ['a bidi isolate', '\u2067Mallory\u2069'],
      ['a zero-width space', 'Ali\u200Bce'],
      ['a zero-width joiner', '王\u200D女士'],
      ['a byte-order mark inside', 'Bo\uFEFFb'],
      ['a soft hyphen', 'Tru\u00ADdy'],
      ['a C1 control character', 'Oscar\u0085'],
    ])('with %s → 400 naming displayName, nothing stored', async (_name, displayName) => {
      const before = await members();
      const res = await invite(displayName);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('VALIDATION_FAILED');
      expect(res.body.error?.issues?.map((i) => i.path)).toEqual(['displayName']);
      expect(res.body.error?.message).toMatch(/invisible|direction|control/);
      expect(await members()).toEqual(before);
    });

    it('is stored NFC-normalised', async () => {
      const res = await invite('Zoe\u0301 Müller');
      expect(res.status).toBe(201);
      expect(res.body.displayName).toBe('Zoé Müller');
      expect(res.body.displayName).toBe('Zoé Müller'.normalize('NFC'));
      expect(await members()).toContain('Zoé Müller'.normalize('NFC'));
    });

    it.each([
      ['the same name differently normalised', 'Zoe\u0301 Mu\u0308ller'],
      ['the same name without accents', 'Zoe Muller'],
      ['Cyrillic look-alike letters', 'Аdmin'], // U+0410
      ['Greek look-alike letters', 'Αdmin'], // U+0391
      ['full-width letters', 'ＡＤＭＩＮ'],
      ['another case and spacing', 'zoé  müller'],
      ['the same Chinese name with a space', '王 女士'],
    ])('%s as an existing participant’s → 409 CONFLICT, nothing stored', async (_name, displayName) => {
      const before = await members();
      const res = await invite(displayName);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('looks the same') });
      expect(await members()).toEqual(before);
    });

    it('names that only look alike in one script stay apart', () => {
      expect(nameSkeleton('王女士')).not.toBe(nameSkeleton('王先生'));
      expect(nameSkeleton('Anna')).not.toBe(nameSkeleton('Anne'));
      expect(nameSkeleton('Аnna')).toBe(nameSkeleton('Anna'));
    });

    it('a complaint whose name carries a bidi override is refused naming the field', async () => {
      const before = (await t.server.store.listCases({})).length;
      const res = await call<{ error: ErrorBody }>(
        'POST',
        '/api/intake',
        undefined,
        form(complaint({ name: '王\u202E小红' }), []),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.issues?.map((i) => i.path)).toEqual(['name']);
      expect((await t.server.store.listCases({})).length).toBe(before);
    });
  });

  describe('money is integer cents, everywhere', () => {
    it.each([
      ['a fraction', '4.50'],
      ['an exponent', '1e30'],
      ['negative zero', '-0'],
      ['NaN', '"NaN"'],
      ['a number as a string', '"450"'],
      ['a negative amount', '-100'],
      ['beyond 2^53', '9007199254740993'],
    ])('POST /api/cases with %s → 400 naming amountInDisputeCents', async (_name, raw) => {
      const before = (await t.server.store.listCases({})).length;
      const res = await fetch(`${t.url}/api/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json' },
        body: `{"title":"Amount test","category":"other","amountInDisputeCents":${raw}}`,
      });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: ErrorBody };
      expect([...new Set(error.issues?.map((i) => i.path))]).toEqual(['amountInDisputeCents']);
      expect(error.message).toMatch(/cents|number|int/i);
      expect((await t.server.store.listCases({})).length).toBe(before);
    });

    it('POST /api/cases with 450 cents is accepted', async () => {
      const res = await call<{ amountInDisputeCents: number }>('POST', '/api/cases', staffToken, {
        title: 'Amount test',
        category: 'other',
        amountInDisputeCents: 450,
      });
      expect(res.status).toBe(201);
      expect(res.body.amountInDisputeCents).toBe(450);
    });

    it.each(['4.50', '1e30', '-0', 'NaN', '', ' 100', '0x10', '１００'])(
      'a complaint with the amount %j → 400 naming amountInDisputeCents',
      async (amount) => {
        const before = (await t.server.store.listCases({})).length;
        const res = await call<{ error: ErrorBody }>(
          'POST',
          '/api/intake',
          undefined,
          form(complaint({ amountInDisputeCents: amount }), []),
        );
        expect(res.status).toBe(400);
        expect(res.body.error.issues?.map((i) => i.path)).toEqual(['amountInDisputeCents']);
        expect((await t.server.store.listCases({})).length).toBe(before);
      },
    );

    describe('the terms in the agreement (Yjs)', () => {
      let bystander: DocClient;
      const stored = async () => {
        const s = await t.server.store.loadDoc(c.caseId);
        const doc = new Y.Doc();
        if (s.snapshot) Y.applyUpdate(doc, s.snapshot);
        s.updates.forEach((u) => Y.applyUpdate(doc, u.data));
        return doc;
      };
      const fingerprintOfStored = async () =>
        canonicalAgreementText(await stored(), 'AC-2026-000001', 'zh-CN').split('二、协议条款')[1];

      beforeAll(async () => {
        bystander = connectDoc(t.url, c.caseId, c.tokens.platform);
        await waitSynced(bystander);
        const setter = connectDoc(t.url, c.caseId, c.tokens.customer);
        await waitSynced(setter);
        setter.doc.getMap(AgreementDoc.terms).set('amountAgreedCents', 100_000);
        await waitFor(
          () => bystander.doc.getMap(AgreementDoc.terms).get('amountAgreedCents') === 100_000,
          'valid amount relayed',
        );
        setter.destroy();
      });
      afterAll(() => bystander.destroy());

      it.each([
        ['a fraction', 4.5],
        ['an exponent', 1e30],
        ['negative zero', -0],
        ['NaN', NaN],
        ['Infinity', Infinity],
        ['a string', '450'],
        ['an object', { cents: 450 }],
      ])('%s as amountAgreedCents is refused with permission-denied, nothing stored', async (_name, value) => {
        const before = Y.encodeStateVector(await stored());
        const termsBefore = await fingerprintOfStored();
        const offender = connectDoc(t.url, c.caseId, c.tokens.customer);
        try {
          await waitSynced(offender);
          // Overwrites the existing value: the update names its key only through the entry it replaces.
          offender.doc.getMap(AgreementDoc.terms).set('amountAgreedCents', value);
          await waitFor(() => offender.denied.length > 0, 'permission denied');
          expect(offender.denied[0]).toMatch(/amountAgreedCents/);
          // A fresh key too (the update names it).
          offender.doc.getMap(AgreementDoc.terms).set('feesWaivedCents', value);
          await waitFor(() => offender.denied.length > 1, 'second permission denied');
          expect(offender.denied[1]).toMatch(/feesWaivedCents/);
          expect(offender.closes).toEqual([]);
        } finally {
          offender.destroy();
        }
        expect(Y.encodeStateVector(await stored())).toEqual(before);
        expect(await fingerprintOfStored()).toBe(termsBefore);
        expect(bystander.doc.getMap(AgreementDoc.terms).get('amountAgreedCents')).toBe(100_000);
        expect(bystander.doc.getMap(AgreementDoc.terms).has('feesWaivedCents')).toBe(false);
        expect(bystander.closes).toEqual([]);
      });

      it('a valid change after the refusals is stored and relayed', async () => {
        const writer = connectDoc(t.url, c.caseId, c.tokens.customer);
        await waitSynced(writer);
        writer.doc.getMap(AgreementDoc.terms).set('feesWaivedCents', 450);
        await waitFor(() => bystander.doc.getMap(AgreementDoc.terms).get('feesWaivedCents') === 450, 'relayed');
        expect((await stored()).getMap(AgreementDoc.terms).get('feesWaivedCents')).toBe(450);
        expect(writer.denied).toEqual([]);
        writer.destroy();
      });
    });
  });
});
