import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { AccordError, CaseRole } from '@accord/shared';

const ISSUER = 'accord';
const ALG = 'HS256';

const SessionClaims = z.object({ typ: z.literal('session'), sub: z.string(), sid: z.string() });
const InviteClaims = z.object({ typ: z.literal('invite'), jti: z.string(), cid: z.string(), role: CaseRole });
export type SessionClaims = z.infer<typeof SessionClaims>;
export type InviteClaims = z.infer<typeof InviteClaims>;

/**
 * Signs and verifies the two kinds of bearer strings: session tokens (who you
 * are) and invite tokens (the link a party opens). Both are HS256 JWTs that
 * expire; revocation is checked against the store by the callers.
 */
export class TokenSigner {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  signSession(claims: Omit<SessionClaims, 'typ'>, expiresAt: Date): Promise<string> {
    return this.sign({ typ: 'session', sid: claims.sid }, claims.sub, expiresAt);
  }

  signInvite(claims: Omit<InviteClaims, 'typ'>, expiresAt: Date): Promise<string> {
    return new SignJWT({ typ: 'invite', cid: claims.cid, role: claims.role })
      .setProtectedHeader({ alg: ALG })
      .setIssuer(ISSUER)
      .setJti(claims.jti)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  /**
   * A new six-digit PIN and its keyed hash. A PIN has few values, so a plain hash
   * would fall to an offline search; keyed with the server secret it does not, and
   * online guesses are rate-limited.
   */
  newPin(inviteId: string): { pin: string; hash: string } {
    const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    return { pin, hash: this.pinHash(inviteId, pin) };
  }

  checkPin(inviteId: string, pin: string, hash: string): boolean {
    const a = Buffer.from(this.pinHash(inviteId, pin));
    const b = Buffer.from(hash);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private pinHash(inviteId: string, pin: string): string {
    return createHmac('sha256', this.key).update(`pin:${inviteId}:${pin}`).digest('hex');
  }

  verifySession(token: string): Promise<SessionClaims> {
    return this.verify(token, SessionClaims, 'TOKEN');
  }

  verifyInvite(token: string): Promise<InviteClaims> {
    return this.verify(token, InviteClaims, 'INVITE');
  }

  private sign(payload: Record<string, unknown>, sub: string, expiresAt: Date): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: ALG })
      .setIssuer(ISSUER)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  private async verify<T extends z.ZodType>(token: string, schema: T, kind: 'TOKEN' | 'INVITE'): Promise<z.output<T>> {
    const what = kind === 'TOKEN' ? 'token' : 'invite';
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: [ALG] });
      const claims = schema.safeParse(payload);
      if (!claims.success) throw new AccordError(`${kind}_INVALID`, `not a valid ${what}`);
      return claims.data;
    } catch (err) {
      if (err instanceof AccordError) throw err;
      if (err instanceof errors.JWTExpired) throw new AccordError(`${kind}_EXPIRED`, `the ${what} has expired`);
      throw new AccordError(`${kind}_INVALID`, `not a valid ${what}`);
    }
  }
}
