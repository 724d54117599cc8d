/**
 * Whether this device has seen this person through the gate on this case (acknowledged, or not asked: the
 * mediator): the room then opens without asking the server first, offline too (the room shows what the
 * device kept). The server stays the record; a device without the mark asks it.
 */
const key = (caseId: string, me: string) => `accord.rights.${caseId}.${me}`;

export function passedHere(caseId: string, me: string): boolean {
  try {
    return localStorage.getItem(key(caseId, me)) !== null;
  } catch {
    return false;
  }
}

export function rememberPassed(caseId: string, me: string): void {
  try {
    localStorage.setItem(key(caseId, me), '1');
  } catch {
    // Storage refused (private mode): the server is asked again next time.
  }
}
