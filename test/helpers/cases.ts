import { expect } from 'vitest';
import type { IntakeResult } from '@accord/shared';
import { complaint, form, pdf } from './files';
import { httpClient } from './http';
import type { TestServer } from './server';

/** The password of the staff accounts `staffAccounts` makes. */
export const STAFF_PASSWORD = 'correct horse battery';

/** Signs in from a filed complaint's tracking link with its PIN, as the customer does: their token. */
export async function trackingSignIn(baseUrl: string, filed: IntakeResult): Promise<string> {
  const res = await httpClient(() => baseUrl)<{ token: string }>(
    'POST',
    `/api/track/${filed.trackingUrl.split('/track/')[1]}/sign-in`,
    undefined,
    { pin: filed.pin },
  );
  expect(res.status).toBe(200);
  return res.body.token;
}

/** Files a complaint (with a contract PDF) against `lenderId` and signs in from its tracking link. */
export async function fileComplaint(
  baseUrl: string,
  lenderId: string,
  over: Parameters<typeof complaint>[0] = {},
): Promise<{ filed: IntakeResult; token: string }> {
  const res = await httpClient(() => baseUrl)<IntakeResult>(
    'POST',
    '/api/intake',
    undefined,
    form(complaint({ lenderId, ...over }), [{ name: 'contract.pdf', data: pdf() }]),
  );
  expect(res.status).toBe(201);
  return { filed: res.body, token: await trackingSignIn(baseUrl, res.body) };
}

type StaffRole = 'admin' | 'reviewer' | 'mediator' | 'platform';

/**
 * Staff accounts made as an admin makes them and signed in with their password, one per key of
 * `roles` (`[staff role, lender id for lender staff, display name (the key if not given)]`): their
 * user ids and session tokens by key. Usernames are `prefix.key` in lower case.
 */
export async function staffAccounts<W extends string>(
  t: TestServer,
  prefix: string,
  roles: Record<W, readonly [StaffRole, (string | undefined)?, string?]>,
): Promise<{ ids: Record<W, string>; tokens: Record<W, string> }> {
  const call = httpClient(() => t.url);
  const ids = {} as Record<W, string>;
  const tokens = {} as Record<W, string>;
  for (const [who, [staffRole, lenderId, displayName]] of Object.entries(roles) as [
    W,
    Record<W, readonly [StaffRole, (string | undefined)?, string?]>[W],
  ][]) {
    const username = `${prefix}.${who.toLowerCase()}`;
    const user = await t.server.cases.createStaff(null, {
      username,
      displayName: displayName ?? who,
      staffRole,
      password: STAFF_PASSWORD,
      ...(lenderId ? { lenderId } : {}),
    });
    ids[who] = user.id;
    const login = await call<{ token: string }>('POST', '/api/auth/login', undefined, {
      username,
      password: STAFF_PASSWORD,
    });
    expect(login.status).toBe(200);
    tokens[who] = login.body.token;
  }
  return { ids, tokens };
}
