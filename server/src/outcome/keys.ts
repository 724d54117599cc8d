import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The server's Ed25519 key that seals outcome records. */
export interface SigningKey {
  privateKey: KeyObject;
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
  /** SHA-256 (hex) of the raw public key. */
  id: string;
  sign(data: string): string;
  /** Whether `signature` (base64url) is this key's signature of `data`. */
  verify(data: string, signature: string): boolean;
}

function fromPrivate(privateKey: KeyObject): SigningKey {
  const publicKeyObject = createPublicKey(privateKey);
  const jwk = publicKeyObject.export({ format: 'jwk' });
  const publicKey = jwk.x ?? '';
  const id = createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex');
  return {
    privateKey,
    publicKey,
    id,
    sign: (data) => sign(null, Buffer.from(data, 'utf8'), privateKey).toString('base64url'),
    verify: (data, signature) =>
      verify(null, Buffer.from(data, 'utf8'), publicKeyObject, Buffer.from(signature, 'base64url')),
  };
}

/**
 * Loads the signing key from the data dir, creating it (PKCS#8 PEM, mode 0600)
 * on first start. It must outlive every record it signed: back it up with the data.
 */
export function loadSigningKey(dataDir: string): SigningKey {
  const file = join(dataDir, 'outcome-signing-key.pem');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process created it first; use theirs.
    }
  }
  return fromPrivate(createPrivateKey(readFileSync(file)));
}
