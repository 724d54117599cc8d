import canonicalize from 'canonicalize';

/**
 * Whether `JSON.stringify(value)` already is its RFC 8785 canonical form: plain objects whose keys are
 * in canonical order (UTF-16 code units, which is how JavaScript compares strings) with no undefined
 * values, arrays without holes or undefined elements, strings, booleans, null and finite numbers.
 * canonicalize serialises each string and number with JSON.stringify too, so for such a value the
 * bytes are the same; V8's own serialiser makes them several times faster (the audit entry of every
 * chat message is hashed over its canonical form).
 */
function stringifiesCanonically(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !stringifiesCanonically(value[i], depth + 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  let previous: string | null = null;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) return false;
    if (previous !== null && !(previous < key)) return false;
    if (!stringifiesCanonically(record[key], depth + 1)) return false;
    previous = key;
  }
  return true;
}

/** RFC 8785 canonical JSON (JCS): the same value gives the same bytes everywhere. */
export function canonicalJson(value: unknown): string {
  if (stringifiesCanonically(value, 0)) return JSON.stringify(value);
  const out = canonicalize(value);
  if (out === undefined) throw new Error('value has no JSON representation');
  return out;
}
