import { z } from 'zod';
import { CaseLanguage, IsoDateTime } from './ids';

/**
 * The court-confirmation package (司法确认): for a sealed settlement, one ZIP with the joint application
 * filled from the case, the settlement PDF, the evidence list and how to verify the seal. Reference for
 * the parties and the mediation organisation, never legal advice: the application is a draft to check.
 */

/** The parties apply jointly within this many days of the agreement taking effect (People's Mediation Law). */
export const COURT_CONFIRMATION_DAYS = 30;
/** Where the application counts from: the agreement takes effect when the last signature seals it. */
export const COURT_ZONE = 'Asia/Shanghai';

export const COURT_PACKAGE_FORMAT = 'accord.court-package/1';

/** The files of the package, in the order a clerk reads them. ASCII names: every unzip tool shows them alike. */
export const COURT_FILES = {
  application: '1-application.pdf',
  settlement: '2-settlement.pdf',
  evidencePdf: '3-evidence-list.pdf',
  evidenceCsv: '3-evidence-list.csv',
  readme: '4-verification/README.txt',
  sealed: '4-verification/outcome.json',
  record: '4-verification/record.json',
  signature: '4-verification/record.sig',
  keyJson: '4-verification/public-key.json',
  keyPem: '4-verification/public-key.pem',
  sums: 'SHA256SUMS',
  manifest: 'manifest.json',
} as const;
export type CourtFile = keyof typeof COURT_FILES;

/** Personal identifiers the package shows in full (each download records which). */
export const RevealedField = z.enum(['name', 'nationalId', 'phone']);
export type RevealedField = z.infer<typeof RevealedField>;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** `manifest.json`: every other file of the ZIP with its SHA-256 (SHA256SUMS says the same for `sha256sum -c`). */
export const CourtPackageManifest = z.strictObject({
  format: z.literal(COURT_PACKAGE_FORMAT),
  caseNumber: z.string(),
  language: CaseLanguage,
  /** When the last signature sealed the agreement: it took effect then. */
  sealedAt: IsoDateTime,
  /** The date (Beijing) the agreement took effect and the last day to apply. */
  effectiveDate: IsoDate,
  deadline: IsoDate,
  generatedAt: IsoDateTime,
  /** SHA-256 of the record's canonical JSON (the bytes the seal signs) and the key's id. */
  recordSha256: Hex64,
  keyId: Hex64,
  revealed: z.array(RevealedField),
  files: z.array(z.strictObject({ path: z.string(), size: z.int().min(0), sha256: Hex64 })),
});
export type CourtPackageManifest = z.infer<typeof CourtPackageManifest>;

/** `GET /api/cases/:caseId/court-package`: the window to apply in, and whether this viewer may download. */
export const CourtPackageInfo = z.object({
  caseNumber: z.string(),
  sealedAt: IsoDateTime,
  effectiveDate: IsoDate,
  deadline: IsoDate,
  /** Whole days from today (Beijing) to the deadline: 0 on the last day, negative once it has passed. */
  daysLeft: z.int(),
  mayDownload: z.boolean(),
  /** The viewer is the borrower: the identifiers in it are their own. */
  own: z.boolean(),
});
export type CourtPackageInfo = z.infer<typeof CourtPackageInfo>;

/** The calendar date (YYYY-MM-DD) of an instant in Beijing. */
export function courtDate(iso: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: COURT_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;

/**
 * The window to apply in: from the day the agreement took effect, 30 days (the deadline is the
 * effective date plus 30 calendar days, Beijing dates), and how many days are left `now`.
 */
export function courtWindow(
  sealedAt: string,
  now: Date = new Date(),
): { effectiveDate: string; deadline: string; daysLeft: number } {
  const effectiveDate = courtDate(sealedAt);
  const deadline = new Date((dayNumber(effectiveDate) + COURT_CONFIRMATION_DAYS) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return { effectiveDate, deadline, daysLeft: dayNumber(deadline) - dayNumber(courtDate(now.toISOString())) };
}
