import { isParty, type CaseLanguage, type OutcomeRecord } from '@accord/shared';
import type { Writer } from './pdf';
import { formatTime, type PdfLabels } from './pdf-labels';

/** pdf.ts's MUTED, repeated: a value imported from pdf.ts would make the two modules a cycle. */
const MUTED = '#5f6368';

/** The words of the acknowledgements' section, in the record's language. */
const LABELS = {
  'zh-CN': {
    heading: '调解须知的确认',
    note: '各方当事人在首次进入调解室前阅读并确认了《调解须知：您的权利与义务》。下列为确认时间、所确认文本的版本、语言及其 SHA-256 指纹，指纹可与调解中心保存的该版本文本核对。',
    value: (at: string, version: string, language: string) => `${at} 确认，文本版本 ${version}（${language}）`,
    notAcknowledged: '未确认',
    languages: { 'zh-CN': '中文', en: '英文' },
  },
  en: {
    heading: 'Rights and duties acknowledged',
    note: 'Before first entering the mediation room, each party read and acknowledged the notice of their rights and duties. Below: when, the version and language of the text acknowledged, and its SHA-256 fingerprint, which can be checked against that version of the text kept by the mediation centre.',
    value: (at: string, version: string, language: string) =>
      `acknowledged ${at}, text version ${version} (${language})`,
    notAcknowledged: 'did not acknowledge',
    languages: { 'zh-CN': 'Chinese', en: 'English' },
  },
} satisfies Record<CaseLanguage, unknown>;

/**
 * Each party's acknowledgement of the rights and duties, and a party who made none. Records sealed before
 * acknowledgements existed (no field) have no such section: nothing was asked of their parties.
 */
export function acknowledgements(w: Writer, r: OutcomeRecord, l: PdfLabels): void {
  if (!r.acknowledgements) return;
  const en = r.language === 'en';
  const words = LABELS[r.language];
  const who = (name: string, role: string) => {
    const roleName = Object.hasOwn(l.roles, role) ? l.roles[role as keyof typeof l.roles] : role;
    return en ? `${name} (${roleName})` : `${name}（${roleName}）`;
  };
  w.heading(words.heading);
  w.paragraph(words.note, { size: 9, color: MUTED });
  w.doc.moveDown(0.4);
  for (const a of r.acknowledgements) {
    w.row(
      who(a.name, a.role),
      words.value(`${formatTime(a.at, r.language)} ${l.zone}`, a.version, words.languages[a.language]),
    );
    w.row('SHA-256', a.sha256, { small: true });
  }
  const acknowledged = new Set(r.acknowledgements.map((a) => a.userId));
  for (const p of r.parties) {
    if (isParty(p.role) && !acknowledged.has(p.userId))
      w.row(who(p.name, p.role), words.notAcknowledged, { color: MUTED });
  }
}
