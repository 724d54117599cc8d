import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AccordError } from '@accord/shared';

// OWASP's scrypt floor is N=2^17, r=8, p=1; that needs 128 MiB per hash (maxmem below).
const PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEYLEN = 32;

// Each hash takes 128 MiB and a libuv thread for ~0.3 s; at most two at a time, so a burst of
// sign-ins cannot starve file serving (which shares the thread pool) or the memory.
const MAX_CONCURRENT = 2;
// ACCORD_PASSWORD_HASH_QUEUE's default (config.ts): waiting behind the two running, a few seconds at most.
let maxWaiting = 16;
let running = 0;
const waiting: (() => void)[] = [];

/**
 * How many hashes may wait for a slot (one limit per process: the hashes share its thread pool).
 * Beyond it a hash is refused with BUSY at once: an unbounded queue made an unrelated sign-in
 * wait 13 s behind a burst of guesses.
 */
export function setHashQueueLimit(max: number): void {
  maxWaiting = max;
}

async function withSlot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) {
    if (waiting.length >= maxWaiting) {
      throw new AccordError('BUSY', 'the server is checking too many passwords right now; try again in a moment');
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return withSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, KEYLEN, options, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url), parameters kept for later upgrades. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A readable random password for generated one-time credentials (about 120 bits). */
export function generatePassword(): string {
  return randomBytes(15)
    .toString('base64url')
    .replace(/(.{5})(?!$)/g, '$1-');
}
