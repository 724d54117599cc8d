import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementDoc, type OutcomeStatus } from '@accord/shared';
import { appendParagraph, bodyText } from '../helpers/agreement-body';
import { connectDoc, connectRoom, waitSynced } from '../helpers/clients';
import { emit } from '../helpers/emit';
import { agreeToEveryClause } from '../helpers/negotiation';
import { createTestCase, startServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

/** The frozen text is in the case's language, and the room tells the browser which that is. */
describe('the signed text in the case’s language', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['en', 'Settlement agreement', 'Amount agreed: RMB 960.00', 'First due date: 15 January 2027'],
    ['zh-CN', '调解协议', '同意支付金额：人民币 960.00 元（大写：玖佰陆拾元整）', '首期还款日：2027年1月15日'],
  ] as const)('a %s case freezes a text that reads as a settlement', async (language, title, agreed, due) => {
    const c = await createTestCase(t.server, t.url, { language, roles: ['customer', 'platform', 'mediator'] });
    const mediator = await connectRoom(t.url, c.tokens.mediator, c.caseId);
    expect(mediator.welcomes[0]?.language).toBe(language);
    const writer = connectDoc(t.url, c.caseId, c.tokens.mediator);
    await waitSynced(writer);
    writer.doc.transact(() => {
      appendParagraph(writer.doc, 'The platform refunds the fee in three instalments.');
      const terms = writer.doc.getMap(AgreementDoc.terms);
      terms.set('amountAgreedCents', 96_000);
      terms.set('instalments', 3);
      terms.set('firstDueDate', '2027-01-15');
      terms.set('monthlyAmountCents', 32_000);
    });
    const watcher = connectDoc(t.url, c.caseId, c.tokens.customer);
    await waitFor(
      () => watcher.doc.getMap(AgreementDoc.terms).get('firstDueDate') === '2027-01-15' && bodyText(watcher.doc) !== '',
      'stored and relayed',
    );
    const customer = await connectRoom(t.url, c.tokens.customer, c.caseId);
    const platform = await connectRoom(t.url, c.tokens.platform, c.caseId);
    await agreeToEveryClause({ customer, platform });
    expect((await mediator.socket.emitWithAck('room:phase', { phase: 'signing' })).ok).toBe(true);
    const frozen = await waitFor(
      async () => ((await emit(mediator, 'outcome:status', {})).data as OutcomeStatus).freeze,
      'frozen',
    );
    const lines = frozen.text.split('\n');
    expect(lines[0]).toBe(title);
    expect(lines).toContain(agreed);
    expect(lines).toContain(due);
    // The schedule as a table, the last row absorbing nothing here (960 = 3 × 320).
    expect(lines.filter((l) => / \| /.test(l))).toHaveLength(5);
    expect(frozen.fingerprint).toBe(createHash('sha256').update(frozen.text, 'utf8').digest('hex'));
    expect(frozen.text).toBe(frozen.text.normalize('NFC'));
    expect(frozen.text).not.toMatch(/Cents|\r/);
    [writer, watcher].forEach((d) => d.destroy());
    [mediator, customer, platform].forEach((r) => r.close());
  });
});
