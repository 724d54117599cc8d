import { expect } from 'vitest';
import type { IntakeResult } from '@accord/shared';
import { complaint, form, pdf } from './files';
import { httpClient } from './http';

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
