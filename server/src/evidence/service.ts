import { createHash } from 'node:crypto';
import { newId } from '../lib/ids';
import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccordError, type EvidenceView, type PartySide } from '@accord/shared';
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
    /** After an upload: staff watching the case see the new list live. */
    private readonly changed: (caseId: string, evidence: EvidenceView[]) => void = () => undefined,
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
      const id = newId();
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
    this.changed(caseId, await this.list(caseId));
    return out;
  }

  async list(caseId: string): Promise<EvidenceView[]> {
    return (await this.store.listEvidence(caseId)).map(toEvidenceView);
  }

  /** Decrypts a file for an authorised reader, checks its hash, and records the download. */
  async read(caseId: string, evidenceId: string, by: Uploader): Promise<{ record: EvidenceRecord; data: Buffer }> {
    const record = await this.store.getEvidence(evidenceId);
    if (!record || record.caseId !== caseId)
      throw AccordError.because('NOT_FOUND', 'evidence.notFound', 'no such evidence');
    const data = this.cipher.decrypt(readFileSync(this.path(caseId, record.storedName)), `evidence:${record.id}`);
    if (createHash('sha256').update(data).digest('hex') !== record.sha256) {
      throw new AccordError('INTERNAL', 'the stored file does not match its recorded hash');
    }
    await this.audit.append(caseId, by.userId, 'evidence.downloaded', { evidenceId, role: by.role });
    return { record, data };
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
