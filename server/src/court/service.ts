import { createHash, createPublicKey } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import {
  AccordError,
  CaseRole,
  COURT_FILES,
  COURT_PACKAGE_FORMAT,
  canonicalJson,
  courtWindow,
  dateText,
  reviewsComplaints,
  type CourtPackageInfo,
  type CourtPackageManifest,
  type RevealedField,
  type SealedOutcome,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { Identity } from '../auth/service';
import type { CaseAccess } from '../cases/access';
import type { PiiVault } from '../cases/pii';
import type { SigningKey } from '../outcome/keys';
import type { OutcomePdf } from '../outcome/pdf';
import { formatTime } from '../outcome/pdf-labels';
import type { CaseRecord, CaseStore, EvidenceStore, LenderStore, MediatorStore, MemberStore } from '../store/types';
import { courtLabels, type ApplicationFacts } from './labels';
import { applicationPdf, evidenceCsv, evidencePdf } from './pdf';

export interface CourtPackageDeps {
  // Aggregates: cases (the case, its PII blob through the vault), members (names), lenders, mediator profiles, evidence (metadata only).
  store: CaseStore & MemberStore & LenderStore & MediatorStore & EvidenceStore;
  access: CaseAccess;
  pii: PiiVault;
  audit: AuditLog;
  outcomePdf: OutcomePdf;
  signingKey: SigningKey;
  /** The case's sealed record, checked against the seal (OutcomeService.record). */
  sealedRecord: (caseId: string) => Promise<SealedOutcome | null>;
  /** The package revealed identifiers: staff watching the case read its history again. */
  historyChanged: (caseId: string) => void;
  publicUrl: () => string;
}

/** Who downloads, as the audit names them. */
type Downloader = 'admin' | 'reviewer' | 'mediator' | 'customer';

export interface CourtPackageFile {
  filename: string;
  data: Buffer;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * The court-confirmation package of a sealed settlement (docs/ARCHITECTURE.md, "Court confirmation").
 * It shows the borrower's full name, ID number and phone, so it goes to the fewest people who need it:
 * the mediation centre's reviewers and admins (who file with the parties and may reveal identifiers
 * anyway), the case's mediator (who mediated the agreement the court is asked to confirm), and the
 * borrower, whose own data it is. Never a lender's staff or an observer. Every download is audited
 * with what it revealed.
 */
export class CourtPackageService {
  constructor(private readonly d: CourtPackageDeps) {}

  /** The window to apply in, for anyone who reads the case (members, its lender's staff, the centre). */
  async info(identity: Identity, caseId: string): Promise<CourtPackageInfo> {
    const { c, downloader } = await this.viewer(identity, caseId, CaseRole.options);
    const sealed = await this.settled(c.id);
    return {
      caseNumber: sealed.record.caseNumber,
      sealedAt: sealed.record.sealedAt,
      ...courtWindow(sealed.record.sealedAt),
      mayDownload: downloader !== null,
      own: downloader === 'customer',
    };
  }

  /** The ZIP; refused (before anything is read or revealed) to whoever may not have it. */
  async build(identity: Identity, caseId: string): Promise<CourtPackageFile> {
    const { c, downloader } = await this.viewer(identity, caseId, ['mediator']);
    if (!downloader) {
      throw AccordError.because(
        'FORBIDDEN',
        'court.notAllowed',
        "the court-confirmation package shows the borrower's identifiers: the mediation centre, the case's mediator and the borrower only",
      );
    }
    const sealed = await this.settled(c.id);
    const r = sealed.record;
    const l = courtLabels(r.language);
    const now = new Date();
    const { facts, revealed } = await this.facts(c, sealed, now);
    // The package goes before the court and to either party: what was shown in caucus to one side
    // only stays in the mediation (as a caucus's words do), whoever downloads it.
    const evidence = (await this.d.store.listEvidence(c.id)).filter((e) => e.shownTo === 'both');
    const record = Buffer.from(canonicalJson(r), 'utf8');
    const key = {
      alg: 'Ed25519',
      publicKey: this.d.signingKey.publicKey,
      id: this.d.signingKey.id,
      format: 'raw, base64url',
    };
    const pem = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const files: [string, Buffer][] = [
      [COURT_FILES.application, await applicationPdf(facts, l, r.language, now)],
      // Byte for byte what the record page's "Download PDF" serves: the same renderer over the same record.
      [COURT_FILES.settlement, await this.d.outcomePdf.render(sealed)],
      [COURT_FILES.evidencePdf, await evidencePdf(r.caseNumber, evidence, l, r.language, now)],
      [COURT_FILES.evidenceCsv, evidenceCsv(evidence, l, r.language)],
      [
        COURT_FILES.readme,
        Buffer.from(
          l.readme({
            caseNumber: r.caseNumber,
            verifyUrl: await this.d.outcomePdf.verifyUrl(sealed),
            keyUrl: `${this.d.publicUrl()}/api/outcome/public-key`,
            recordSha256: sha256(record),
          }),
          'utf8',
        ),
      ],
      [COURT_FILES.sealed, Buffer.from(canonicalJson(sealed), 'utf8')],
      [COURT_FILES.record, record],
      [COURT_FILES.signature, Buffer.from(sealed.signature, 'base64url')],
      [COURT_FILES.keyJson, Buffer.from(`${JSON.stringify(key, null, 2)}\n`, 'utf8')],
      [COURT_FILES.keyPem, Buffer.from(pem, 'utf8')],
    ];
    const sums = files.map(([path, data]) => `${sha256(data)}  ${path}`).join('\n');
    files.push([COURT_FILES.sums, Buffer.from(`${sums}\n`, 'utf8')]);
    const manifest: CourtPackageManifest = {
      format: COURT_PACKAGE_FORMAT,
      caseNumber: r.caseNumber,
      language: r.language,
      sealedAt: r.sealedAt,
      effectiveDate: courtWindow(r.sealedAt, now).effectiveDate,
      deadline: courtWindow(r.sealedAt, now).deadline,
      generatedAt: now.toISOString(),
      recordSha256: sha256(record),
      keyId: r.key.id,
      revealed,
      files: files.map(([path, data]) => ({ path, size: data.length, sha256: sha256(data) })),
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
    files.push([COURT_FILES.manifest, manifestBytes]);
    const zippable: Zippable = {};
    for (const [path, data] of files) zippable[path] = [data, { mtime: now }];
    const zip = Buffer.from(zipSync(zippable, { level: 6 }));

    // Audited before anything leaves: the identifiers one by one (the staff history lists each reveal),
    // then the download with what it held.
    for (const field of revealed) {
      if (field === 'name') continue;
      await this.d.audit.append(c.id, identity.user.id, 'pii.revealed', {
        field,
        role: downloader,
        purpose: 'court.package',
      });
    }
    await this.d.audit.append(c.id, identity.user.id, 'court.package', {
      role: downloader,
      revealed,
      files: files.length,
      manifestSha256: sha256(manifestBytes),
      zipSha256: sha256(zip),
    });
    this.d.historyChanged(c.id);
    return { filename: `accord-court-${r.caseNumber}.zip`, data: zip };
  }

  /**
   * The case and whether the viewer may download. Whoever reads the case at all gets in (the
   * customer, its lender's staff, the centre, its mediator, and members in `roles`); the rest are
   * refused here, before the case's state is told.
   */
  private async viewer(
    identity: Identity,
    caseId: string,
    roles: readonly CaseRole[],
  ): Promise<{ c: CaseRecord; downloader: Downloader | null }> {
    const { c, actor, memberRole } = await this.d.access.caseForMember(
      identity,
      caseId,
      ['customer', 'staff', 'admin', 'mediator'],
      roles,
    );
    let downloader: Downloader | null = null;
    if (actor === 'admin') downloader = 'admin';
    else if (actor === 'staff' && reviewsComplaints(identity.user.staffRole)) downloader = 'reviewer';
    else if (actor === 'mediator' || (actor === null && memberRole === 'mediator')) downloader = 'mediator';
    else if (actor === 'customer') downloader = 'customer';
    return { c, downloader };
  }

  private async settled(caseId: string): Promise<SealedOutcome> {
    const sealed = await this.d.sealedRecord(caseId);
    if (!sealed) {
      throw AccordError.because(
        'CONFLICT',
        'court.notSealed',
        'no settlement has been sealed for this case: the court-confirmation package is made for a sealed settlement',
      );
    }
    if (sealed.record.outcome.kind !== 'settled') {
      throw AccordError.because(
        'CONFLICT',
        'court.notSettled',
        'the case ended without a settlement: there is no agreement for a court to confirm',
      );
    }
    return sealed;
  }

  /** What the application is filled from, and which of the borrower's identifiers it shows in full. */
  private async facts(
    c: CaseRecord,
    sealed: SealedOutcome,
    now: Date,
  ): Promise<{ facts: ApplicationFacts; revealed: RevealedField[] }> {
    const r = sealed.record;
    const pii = await this.d.pii.read(c.id);
    // The people who signed, by the record: their names as members (the record masks them).
    const nameOf = async (role: 'customer' | 'platform' | 'mediator') => {
      const party = r.parties.find((p) => p.role === role);
      return party ? ((await this.d.store.getMember(c.id, party.userId))?.displayName ?? null) : null;
    };
    const mediatorId = r.parties.find((p) => p.role === 'mediator')?.userId ?? c.mediatorId;
    const profile = mediatorId
      ? (await this.d.store.listMediatorProfiles()).find((m) => m.userId === mediatorId)
      : undefined;
    const lender = c.lenderId ? await this.d.store.getLender(c.lenderId) : null;
    const window = courtWindow(r.sealedAt, now);
    const revealed: RevealedField[] = [];
    if (pii?.name) revealed.push('name');
    if (pii?.nationalId) revealed.push('nationalId');
    if (pii?.phone) revealed.push('phone');
    return {
      revealed,
      facts: {
        caseNumber: r.caseNumber,
        caseTitle: r.title,
        borrower: {
          name: pii?.name || ((await nameOf('customer')) ?? ''),
          nationalId: pii?.nationalId || null,
          phone: pii?.phone || null,
        },
        lender: { name: lender?.name ?? null, representative: await nameOf('platform') },
        mediator: { name: await nameOf('mediator'), organisation: profile?.organisation ?? null },
        agreementDate: dateText(window.effectiveDate, r.language),
        sealedTime: formatTime(r.sealedAt, r.language),
        deadline: dateText(window.deadline, r.language),
        generatedAt: formatTime(now.toISOString(), r.language),
      },
    };
  }
}
