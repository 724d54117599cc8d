import { pathOf, type SealedOutcome } from '@accord/shared';
import { api } from '../app/api';
import { downloadWithToken } from '../app/upload';

/** Saves the outcome PDF the server made (the sealed record is inside it: the PDF verifies on its own). */
export function downloadPdf(caseId: string, caseNumber: string, token: string): Promise<void> {
  return downloadWithToken(
    pathOf('GET /api/cases/:caseId/outcome/pdf', { caseId }),
    token,
    `accord-outcome-${caseNumber}.pdf`,
  );
}

/** Saves the sealed record as a JSON file, byte for byte as the server sent it (re-verifiable). */
export function downloadRecord(sealed: SealedOutcome): void {
  const blob = new Blob([JSON.stringify(sealed, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `accord-outcome-${sealed.record.caseNumber}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** The key this server publishes for verifying records. */
export async function publishedKey(): Promise<string | undefined> {
  return api('GET /api/outcome/public-key', {}).then(
    (key) => key.publicKey,
    () => undefined,
  );
}
