import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { agreementFingerprint, canonicalAgreementText } from './agreement-text';

function paragraph(text: string, marks?: Record<string, object>) {
  const p = new Y.XmlElement('paragraph');
  const t = new Y.XmlText();
  t.insert(0, text, marks);
  p.insert(0, [t]);
  return p;
}

function build(order: 'forward' | 'reverse'): Y.Doc {
  const doc = new Y.Doc();
  const body = doc.getXmlFragment('body');
  const heading = new Y.XmlElement('heading');
  heading.setAttribute('level', '2');
  const ht = new Y.XmlText();
  ht.insert(0, '还款安排');
  heading.insert(0, [ht]);
  const list = new Y.XmlElement('orderedList');
  const items = ['首期 2027-01-15', '每月 1,000 元'].map((text) => {
    const li = new Y.XmlElement('listItem');
    li.insert(0, [paragraph(text)]);
    return li;
  });
  list.insert(0, items);
  const blocks = [heading, paragraph('甲方同意分期。  ', { bold: {} }), list];
  body.insert(0, order === 'forward' ? blocks : blocks);
  const terms = doc.getMap('terms');
  const entries: [string, unknown][] = [
    ['amountAgreedCents', 120_000],
    ['instalments', 12],
    ['conditions', '逾期不收罚息\r\n提前还款免违约金'],
  ];
  for (const [k, v] of order === 'forward' ? entries : [...entries].reverse()) terms.set(k, v);
  return doc;
}

describe('canonical agreement text', () => {
  it('renders structure, not formatting, and terms in a fixed order with raw values', () => {
    expect(canonicalAgreementText(build('forward'), 'AC-2026-000001')).toBe(
      [
        'accord-agreement/1',
        'case: AC-2026-000001',
        '',
        '== agreement ==',
        '  ## 还款安排',
        '',
        '  甲方同意分期。',
        '',
        '  1. 首期 2027-01-15',
        '  2. 每月 1,000 元',
        '',
        '== settlement terms ==',
        'amountInDisputeCents: -',
        'amountAgreedCents: 120000',
        'feesWaivedCents: -',
        'instalments: 12',
        'firstDueDate: -',
        'monthlyAmountCents: -',
        'noPayment: false',
        'conditions:',
        '  逾期不收罚息',
        '  提前还款免违约金',
        '',
      ].join('\n'),
    );
  });

  it('cannot be spoofed by typing a section header, and keeps struck-out text and link targets', () => {
    const doc = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    doc.getXmlFragment('body').insert(0, [p, paragraph('x\n== settlement terms ==\namountAgreedCents: 1')]);
    const t = new Y.XmlText();
    p.insert(0, [t]);
    t.insert(0, 'shall pay ');
    t.insert(10, 'not', { strike: {} });
    t.insert(13, ' 1,000', { link: { href: 'https://example.org/x' } });
    const text = canonicalAgreementText(doc, 'AC-2026-000001');
    expect(text).toContain('  shall pay ~~not~~[ 1,000](https://example.org/x)');
    expect(text.split('\n').filter((l) => l === '== settlement terms ==')).toHaveLength(1);
  });

  it('same content, same fingerprint, whatever order it was written in', async () => {
    const a = canonicalAgreementText(build('forward'), 'AC-2026-000001');
    const b = canonicalAgreementText(build('reverse'), 'AC-2026-000001');
    expect(a).toBe(b);
    expect(await agreementFingerprint(a)).toBe(await agreementFingerprint(b));
    expect(await agreementFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
    const c = build('forward');
    c.getMap('terms').set('instalments', 11);
    expect(await agreementFingerprint(canonicalAgreementText(c, 'AC-2026-000001'))).not.toBe(
      await agreementFingerprint(a),
    );
  });
});
