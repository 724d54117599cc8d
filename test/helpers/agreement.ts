import * as Y from 'yjs';
import { AgreementDoc, type SettlementTerms } from '@accord/shared';
import type { Store } from '@accord/server';

export const SIGNABLE_TEXT = '平台退还服务费480元，申请人撤回投诉。';

/**
 * Writes an agreement a settlement can be signed over (shared/signoff-rules: text, and the amount
 * agreed) straight into the store, as the case's next document update: setup for tests of signing,
 * which are not about drafting. Another `text` or `terms` makes other agreements (`text: ''` none).
 */
export async function seedAgreement(
  store: Pick<Store, 'appendDocUpdate'>,
  caseId: string,
  {
    text = SIGNABLE_TEXT,
    terms = { amountAgreedCents: 48_000 },
  }: { text?: string; terms?: Partial<SettlementTerms> } = {},
): Promise<void> {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (text) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(text)]);
      doc.getXmlFragment(AgreementDoc.body).insert(0, [p]);
    }
    const map = doc.getMap(AgreementDoc.terms);
    for (const [k, v] of Object.entries(terms)) map.set(k, v);
  });
  await store.appendDocUpdate(caseId, Y.encodeStateAsUpdate(doc));
  doc.destroy();
}
