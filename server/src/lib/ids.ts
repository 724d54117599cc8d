import { randomBytes, randomUUID } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A time-ordered UUID (version 7, RFC 9562: 48-bit milliseconds, a 12-bit counter within the
 * millisecond, 62 random bits). Message ids are unique-indexed; ids that grow with time are appended
 * to the index's last page instead of landing on a random page each, so a batch of messages writes
 * far fewer pages.
 */
export function uuidv7(now = Date.now()): string {
  counter = now === lastMs ? (counter + 1) & 0xfff : 0;
  lastMs = now;
  const ms = now.toString(16).padStart(12, '0');
  // The random bits and the variant come from a version-4 UUID (Node draws those from a pool).
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${counter.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
}

/** A random (version 4) UUID: the id of a record whose order does not matter. */
export const newId = (): string => randomUUID();

/**
 * A random id for something held in memory for a long time (a connection). Not randomUUID(): Node
 * builds that as a tree of concatenated strings, about 450 bytes; this is one flat string.
 */
export const connectionId = (): string => randomBytes(16).toString('base64url');

/** A secret that goes into a URL (a tracking link): `bytes` random bytes, base64url. */
export const urlSecret = (bytes: number): string => randomBytes(bytes).toString('base64url');
