import type { EvidenceRecord } from '../store/types';

// Three formats do not warrant a file-type library: their signatures are fixed.
const SIGNATURES: { type: EvidenceRecord['type']; magic: number[] }[] = [
  { type: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
];

/** The file's type from its first bytes, whatever its name says; null when not an accepted type. */
export function sniffType(bytes: Uint8Array): EvidenceRecord['type'] | null {
  return SIGNATURES.find((s) => s.magic.every((b, i) => bytes[i] === b))?.type ?? null;
}

/**
 * The original file name made safe to show: no path, no control or
 * bidirectional-override characters, at most 120 characters. It is only
 * ever displayed; files are stored under generated names.
 */
export function sanitiseName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point.
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
  const safe = clean.replace(/^\.+/, '').slice(0, 120);
  return safe.length > 0 ? safe : 'file';
}
