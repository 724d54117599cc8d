import type { z } from 'zod';
import { ApiError, errorOf } from './api';

/** Posts a multipart form (a complaint, evidence) and validates the answer. */
export async function postForm<T extends z.ZodType>(
  schema: T,
  path: string,
  form: FormData,
  token?: string,
): Promise<z.output<T>> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method: 'POST',
      body: form,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  } catch {
    throw new ApiError('NETWORK', 'network error');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) throw errorOf(res, json);
  return schema.parse(json);
}

/** Downloads an authorised file (evidence, an export) through fetch so the token never enters a URL. */
export async function downloadWithToken(path: string, token: string, filename: string): Promise<void> {
  const res = await fetch(`/api${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new ApiError('INTERNAL', res.statusText);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
