import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  AgreementDoc,
  COST_CAPS_PCT,
  OUTCOME_FORMATS,
  TERMS_CLAUSE_ID,
  agreementFingerprint,
  canonicalAgreementText,
} from '@accord/shared';
import { HARDSHIP_PLAN_TERMS } from '../helpers/sealed-records';

/**
 * docs/PROTOCOL.md's section on the repayment plan in the canonical text and the format 3 record: its
 * worked example is what the code computes, and the names it relies on are there.
 */
const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');

function example(name: string): string | undefined {
  const block = new RegExp(`<!-- ${name}:start -->\\s*\`\`\`text\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`).exec(
    doc,
  );
  return block?.[1];
}

describe('docs/PROTOCOL.md, the repayment plan and the format 3 record', () => {
  it('shows the canonical text and fingerprint of its plan example as the code computes them', async () => {
    const ydoc = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('因失业，双方同意按下列计划还款。')]);
    ydoc.getXmlFragment(AgreementDoc.body).insert(0, [p]);
    const terms = ydoc.getMap(AgreementDoc.terms);
    for (const [k, v] of Object.entries(HARDSHIP_PLAN_TERMS)) {
      terms.set(k, v);
    }
    const text = canonicalAgreementText(ydoc, 'AC-2027-000018', 'zh-CN');
    expect(example('plan-example'), 'the plan-example block of docs/PROTOCOL.md').toBe(text);
    expect(doc).toContain(`\`${await agreementFingerprint(text)}\``);
  });

  it('names the caps, the terms clause and every record format', () => {
    for (const cap of COST_CAPS_PCT) expect(doc).toContain(`${cap} %`);
    expect(doc).toContain(`\`${TERMS_CLAUSE_ID}\``);
    for (const format of OUTCOME_FORMATS) expect(doc).toContain(`\`${format}\``);
    for (const field of ['clauses', 'rounds', 'hardship']) expect(doc).toContain(`| \`${field}\``);
  });
});
