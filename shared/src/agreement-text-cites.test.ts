import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { AgreementDoc } from './documents';
import { agreementClauses, canonicalAgreementText, canonicalBody } from './agreement-text';
import { chatMessagePayload } from './audit';
import { transcriptHash } from './outcome';

const ID = '0b9f6a52-5c1e-4b8e-9d55-3f1a2b3c4d5e';

function docWith(build: (p: Y.XmlElement) => void): Y.Doc {
  const doc = new Y.Doc();
  const p = new Y.XmlElement('paragraph');
  doc.getXmlFragment(AgreementDoc.body).insert(0, [p]);
  build(p);
  return doc;
}

const ref = (attrs: Record<string, string>) => {
  const el = new Y.XmlElement('evidenceRef');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
};

describe('evidence citations in the canonical text', () => {
  it('cites the item by name in the case’s language, where it stands in the clause', () => {
    const doc = docWith((p) => p.insert(0, [new Y.XmlText('平台退还服务费480元'), ref({ id: ID, name: '合同.pdf' })]));
    expect(canonicalBody(doc.getXmlFragment(AgreementDoc.body), 'zh-CN')).toBe(
      '  平台退还服务费480元（见证据：合同.pdf）',
    );
    expect(canonicalAgreementText(doc, 'A-1', 'en')).toContain('  平台退还服务费480元(see evidence: 合同.pdf)');
    expect(agreementClauses(doc, 'zh-CN')[0]?.text).toBe('平台退还服务费480元（见证据：合同.pdf）');
  });

  it('keeps a name on one line, and drops a citation without a name (the editor cannot build it)', () => {
    const doc = docWith((p) =>
      p.insert(0, [
        ref({ id: ID, name: 'a\nb  c' }),
        new Y.XmlText(' x '),
        ref({ id: ID }),
        ref({ id: ID, name: ' ' }),
      ]),
    );
    expect(canonicalBody(doc.getXmlFragment(AgreementDoc.body), 'en')).toBe('  (see evidence: a b c) x');
  });

  it('leaves the text of an agreement without citations exactly as before (sealed records verify)', () => {
    const doc = docWith((p) => p.insert(0, [new Y.XmlText('平台退还服务费480元')]));
    // canonicalBody's language only matters for citations; without one it reads as it always did.
    expect(canonicalBody(doc.getXmlFragment(AgreementDoc.body))).toBe('  平台退还服务费480元');
    expect(canonicalBody(doc.getXmlFragment(AgreementDoc.body), 'en')).toBe('  平台退还服务费480元');
  });
});

describe('what chat citations change in hashes', () => {
  const m = {
    id: ID,
    caseId: ID,
    channel: 'joint',
    seq: 1,
    senderId: ID,
    senderName: '王女士',
    senderRole: 'customer',
    text: '你好',
    createdAt: '2026-01-01T00:00:00.000Z',
  };

  it('a message without citations binds and hashes exactly as before', async () => {
    expect(chatMessagePayload({ ...m, cites: [] })).toBe(chatMessagePayload(m));
    expect(chatMessagePayload(m)).toBe(
      `{"caseId":"${ID}","channel":"joint","createdAt":"2026-01-01T00:00:00.000Z","id":"${ID}","senderId":"${ID}","senderName":"王女士","senderRole":"customer","seq":1,"text":"你好"}`,
    );
    expect(await transcriptHash([{ ...m, cites: [] }])).toBe(await transcriptHash([m]));
  });

  it('a message with citations binds them: another citation is another hash', async () => {
    const cited = { ...m, cites: [{ id: ID, name: '合同.pdf' }] };
    expect(chatMessagePayload(cited)).not.toBe(chatMessagePayload(m));
    expect(await transcriptHash([cited])).not.toBe(await transcriptHash([m]));
    const renamed = { ...m, cites: [{ id: ID, name: '别的.pdf' }] };
    expect(await transcriptHash([renamed])).not.toBe(await transcriptHash([cited]));
  });
});
