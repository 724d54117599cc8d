import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV = 12;
const TAG = 16;

/**
 * AES-256-GCM for data at rest (evidence files, personal identifiers): a fresh
 * 96-bit IV per message, the tag authenticates it; layout iv | ciphertext | tag.
 * The associated data binds a blob to what it is (e.g. its evidence id), so a
 * blob cannot be swapped for another.
 */
export class DataCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the data key must be 32 bytes (AES-256)');
  }

  encrypt(plain: Uint8Array, aad: string): Buffer {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  decrypt(blob: Uint8Array, aad: string): Buffer {
    const data = Buffer.from(blob);
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, IV));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG));
    return Buffer.concat([decipher.update(data.subarray(IV, data.length - TAG)), decipher.final()]);
  }
}
