import { maskIdentifier, type PartyData } from '@accord/shared';
import type { DataCipher } from '../evidence/cipher';
import type { CaseStore } from '../store/types';

/** The customer's personal identifiers, stored encrypted as one blob per case. */
export interface Pii {
  name: string;
  phone: string;
  nationalId: string;
  contractNumber: string;
  /** Where notices go (optional on the form; absent in cases filed before it was asked). */
  email?: string | null;
}

/** Reads and writes a case's personal data, encrypted with the case id as associated data. */
export class PiiVault {
  // Aggregates: cases (the PII blob lives with its case).
  constructor(
    private readonly store: CaseStore,
    private readonly cipher: DataCipher,
  ) {}

  async write(caseId: string, pii: Pii): Promise<void> {
    await this.store.putPii(caseId, this.cipher.encrypt(Buffer.from(JSON.stringify(pii)), `pii:${caseId}`));
  }

  async read(caseId: string): Promise<Pii | null> {
    const blob = await this.store.getPii(caseId);
    return blob ? (JSON.parse(this.cipher.decrypt(blob, `pii:${caseId}`).toString('utf8')) as Pii) : null;
  }
}

export function maskParty(pii: Pii | null): PartyData {
  if (!pii) return { name: '', phone: '', nationalId: '', contractNumber: '' };
  return {
    name: pii.name,
    phone: maskIdentifier(pii.phone, 3),
    nationalId: maskIdentifier(pii.nationalId, 3),
    contractNumber: pii.contractNumber,
  };
}
