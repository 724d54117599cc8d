import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON (JCS): the same value gives the same bytes everywhere. */
export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new Error('value has no JSON representation');
  return out;
}
