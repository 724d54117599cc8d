import type { RouteAnswer, UploadRouteKey } from '@accord/shared';
import { ApiError, answerOf, errorOf, urlOf, type CallOptions } from './api';

/** Posts a multipart form (a complaint, evidence) to route `key` and validates the answer. */
export async function postForm<K extends UploadRouteKey>(
  key: K,
  form: FormData,
  options: CallOptions<K>,
): Promise<RouteAnswer<K>> {
  const { params, token } = options as { params?: Record<string, string>; token?: string };
  let res: Response;
  try {
    res = await fetch(urlOf(key, params), {
      method: 'POST',
      body: form,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  } catch {
    throw new ApiError('NETWORK', 'network error');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) throw await errorOf(res, json);
  return answerOf(key, json);
}

/**
 * Downloads an authorised file (evidence, an export) from `path` (from `pathOf`) through
 * fetch so the token never enters a URL.
 */
export async function downloadWithToken(path: string, token: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
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
