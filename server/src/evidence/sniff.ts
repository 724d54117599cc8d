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

const MAX_NAME = 120;

/**
 * The original file name made safe to show: no path, no control, invisible or
 * bidirectional characters, at most 120 characters. It is only
 * ever displayed; files are stored under generated names.
 */
export function sanitiseName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    // Control characters (C0, C1) and invisible format characters: bidi overrides, marks and
    // isolates, zero-width spaces and joiners, the BOM.
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim();
  // Cut by code point (never half a surrogate pair), keeping a short extension.
  const chars = [...clean.replace(/^\.+/, '')];
  const ext = chars.length > MAX_NAME ? (/\.[A-Za-z0-9]{1,8}$/.exec(clean)?.[0] ?? '') : '';
  const safe = chars.slice(0, MAX_NAME - ext.length).join('') + ext;
  return safe.length > 0 ? safe : 'file';
}
