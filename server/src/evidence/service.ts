import { createHash } from 'node:crypto';
import { newId, uuidv7 } from '../lib/ids';
import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AccordError,
  evidenceVisibleTo,
  type EvidenceShareBody,
  type EvidenceSharing,
  type EvidenceView,
  type EvidenceViewer,
  type PartySide,
} from '@accord/shared';
import type { AuditLog } from '../audit/log';
import type { EvidenceRecord, EvidenceStore } from '../store/types';
import type { DataCipher } from './cipher';
import { sanitiseName, sniffType } from './sniff';

export interface EvidenceLimits {
  maxBytes: number;
  maxFiles: number;
}

export interface Upload {
  originalname: string;
  buffer: Buffer;
}

export interface Uploader {
  userId: string;
  role: string;
}

/** Who adds evidence: as `Uploader`, with the display name shown beside their items (none for the customer). */
export interface Adder extends Uploader {
  name: string | null;
}

export interface AddOptions {
  /** Shown in caucus to this side only from the start. */
  caucus?: PartySide | undefined;
  /** The document request the files answer. */
  requestId?: string | undefined;
}

/** Who an item reaches: everyone in the case, or one side (with the mediator and the centre). */
export interface EvidenceAudience {
  shownTo: EvidenceSharing;
  caucusSide: PartySide | null;
}

/**
 * What changed, for the live paths: the case's whole list (each path filters it for its viewer) and
 * the audiences to tell (an item's audience before and after a change of sharing; a new item's own).
 * Nobody outside these audiences is told anything.
 */
export interface EvidenceChange {
  caseId: string;
  evidence: EvidenceView[];
  audiences: EvidenceAudience[];
}

export function toEvidenceView(e: EvidenceRecord): EvidenceView {
  return {
    id: e.id,
    caseId: e.caseId,
    name: e.name,
    type: e.type,
    size: e.size,
    sha256: e.sha256,
    uploadedBy: { userId: e.uploadedBy, role: e.uploaderRole, name: e.uploaderName },
    uploadedAt: e.uploadedAt,
    shownTo: e.shownTo,
    caucusSide: e.caucusSide,
    requestId: e.requestId,
  };
}

/**
 * Evidence files: accepted by content (PDF, JPEG, PNG), stored encrypted under
 * generated names with their SHA-256 recorded, every upload and download in
 * the case's audit log. A batch is checked whole before anything is stored.
 */
export class EvidenceService {
  constructor(
    private readonly store: EvidenceStore,
    private readonly cipher: DataCipher,
    private readonly audit: AuditLog,
    private readonly dir: string,
    readonly limits: EvidenceLimits,
    /** After an upload or a change of sharing: staff watching the case and the room's people who may see it are told. */
    private readonly changed: (change: EvidenceChange) => void = () => undefined,
  ) {}

  /** Refuses the whole batch if any file is not acceptable. */
  check(files: readonly Upload[], alreadyStored: number): EvidenceRecord['type'][] {
    if (alreadyStored + files.length > this.limits.maxFiles) {
      throw AccordError.because(
        'VALIDATION_FAILED',
        'evidence.tooMany',
        `a case holds at most ${this.limits.maxFiles} evidence files`,
        { max: this.limits.maxFiles },
      );
    }
    return files.map((f) => {
      const label = sanitiseName(f.originalname);
      if (f.buffer.length === 0) {
        throw AccordError.because('VALIDATION_FAILED', 'evidence.empty', `${label} is empty`, {
          name: label.slice(0, 200),
        });
      }
      if (f.buffer.length > this.limits.maxBytes) {
        throw AccordError.because(
          'PAYLOAD_TOO_LARGE',
          'evidence.tooLarge',
          `${label} is larger than ${this.limits.maxBytes} bytes`,
          {
            name: label.slice(0, 200),
            maxMb: Math.round((this.limits.maxBytes / (1024 * 1024)) * 10) / 10,
          },
        );
      }
      const type = sniffType(f.buffer);
      if (!type) {
        throw AccordError.because(
          'VALIDATION_FAILED',
          'evidence.wrongType',
          `${label} is not a PDF, JPEG or PNG file`,
          {
            name: label.slice(0, 200),
          },
        );
      }
      return type;
    });
  }

  async add(caseId: string, files: readonly Upload[], by: Adder, options: AddOptions = {}): Promise<EvidenceView[]> {
    const existing = (await this.store.listEvidence(caseId)).length;
    const types = this.check(files, existing);
    const out: EvidenceView[] = [];
    for (const [i, f] of files.entries()) {
      // Time-ordered: items uploaded in one millisecond (several files of one answer) still list in the
      // order they were given (the lists sort by upload time, then id), as the audit entry names them.
      const id = uuidv7();
      const storedName = `${newId()}.bin`;
      const file = this.path(caseId, storedName);
      mkdirSync(join(this.dir, caseId), { recursive: true });
      writeFileSync(file, this.cipher.encrypt(f.buffer, `evidence:${id}`), { mode: 0o600 });
      const record: EvidenceRecord = {
        id,
        caseId,
        uploadedBy: by.userId,
        uploaderRole: by.role,
        name: sanitiseName(f.originalname),
        storedName,
        type: types[i] ?? 'application/pdf',
        size: f.buffer.length,
        sha256: createHash('sha256').update(f.buffer).digest('hex'),
        uploadedAt: new Date().toISOString(),
        uploaderName: by.name,
        shownTo: options.caucus ? 'caucus' : 'both',
        caucusSide: options.caucus ?? null,
        requestId: options.requestId ?? null,
      };
      try {
        await this.store.addEvidence(record, this.limits.maxFiles);
      } catch (err) {
        unlinkSync(file);
        throw err;
      }
      await this.audit.append(caseId, by.userId, 'evidence.added', {
        evidenceId: id,
        sha256: record.sha256,
        type: record.type,
        size: record.size,
      });
      out.push(toEvidenceView(record));
    }
    if (out.length > 0) {
      const audience = { shownTo: out[0]?.shownTo ?? 'both', caucusSide: out[0]?.caucusSide ?? null };
      this.changed({ caseId, evidence: await this.all(caseId), audiences: [audience] });
    }
    return out;
  }

  /** The case's evidence as `viewer` may see it: caucus-only items of the other side are left out. */
  async list(caseId: string, viewer: EvidenceViewer): Promise<EvidenceView[]> {
    return (await this.all(caseId)).filter((e) => evidenceVisibleTo(e, viewer));
  }

  /**
   * Marks an item as shown to both parties or, in caucus, to one side (with the mediator and the
   * centre). Audited; the item's audiences before and after are told, nobody else.
   */
  async share(caseId: string, evidenceId: string, body: EvidenceShareBody, by: Uploader): Promise<EvidenceView> {
    const before = await this.store.getEvidence(evidenceId);
    if (!before || before.caseId !== caseId)
      throw AccordError.because('NOT_FOUND', 'evidence.notFound', 'no such evidence');
    const side = body.shownTo === 'caucus' ? body.side : null;
    const after = await this.store.setEvidenceSharing(evidenceId, body.shownTo, side);
    if (!after) throw AccordError.because('NOT_FOUND', 'evidence.notFound', 'no such evidence');
    if (before.shownTo === after.shownTo && before.caucusSide === after.caucusSide) return toEvidenceView(after);
    await this.audit.append(caseId, by.userId, 'evidence.shared', {
      evidenceId,
      shownTo: after.shownTo,
      side: after.caucusSide,
      role: by.role,
    });
    this.changed({
      caseId,
      evidence: await this.all(caseId),
      audiences: [
        { shownTo: before.shownTo, caucusSide: before.caucusSide },
        { shownTo: after.shownTo, caucusSide: after.caucusSide },
      ],
    });
    return toEvidenceView(after);
  }

  /**
   * Decrypts a file for an authorised reader, checks its hash, and records the download. An item the
   * viewer may not see is NOT_FOUND, as one that does not exist: "forbidden" would say it exists.
   */
  async read(
    caseId: string,
    evidenceId: string,
    by: Uploader,
    viewer: EvidenceViewer,
  ): Promise<{ record: EvidenceRecord; data: Buffer }> {
    const record = await this.store.getEvidence(evidenceId);
    if (!record || record.caseId !== caseId || !evidenceVisibleTo(record, viewer))
      throw AccordError.because('NOT_FOUND', 'evidence.notFound', 'no such evidence');
    const data = this.cipher.decrypt(readFileSync(this.path(caseId, record.storedName)), `evidence:${record.id}`);
    if (createHash('sha256').update(data).digest('hex') !== record.sha256) {
      throw new AccordError('INTERNAL', 'the stored file does not match its recorded hash');
    }
    await this.audit.append(caseId, by.userId, 'evidence.downloaded', { evidenceId, role: by.role });
    return { record, data };
  }

  private async all(caseId: string): Promise<EvidenceView[]> {
    return (await this.store.listEvidence(caseId)).map(toEvidenceView);
  }

  /** Removes a case's files (retention). */
  removeAll(caseId: string): void {
    rmSync(join(this.dir, caseId), { recursive: true, force: true });
  }

  /** Where a stored file lives; the stored name is generated, never the uploader's. */
  path(caseId: string, storedName: string): string {
    return join(this.dir, caseId, storedName);
  }
}
