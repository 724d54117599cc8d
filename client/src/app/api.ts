import { ErrorBody } from '@accord/shared';
import type { z } from 'zod';

/** An error the server answered with (`code` from shared ErrorCode), or NETWORK when it could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorBody['code'] | 'NETWORK',
    message: string,
  ) {
    super(message);
  }
}

/** Calls the REST API and validates the answer with the shared schema. */
export async function api<T extends z.ZodType>(
  schema: T,
  path: string,
  options: { method?: string; token?: string | undefined; body?: unknown } = {},
): Promise<z.output<T>> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError('NETWORK', 'network error');
  }
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) throw errorOf(res, json);
  return schema.parse(json);
}

/** The server's `{ error }` body as an ApiError (or the status text when there is none). */
export function errorOf(res: Response, json: unknown): ApiError {
  const parsed = ErrorBody.safeParse((json as { error?: unknown } | null)?.error);
  return parsed.success
    ? new ApiError(parsed.data.code, parsed.data.message)
    : new ApiError('INTERNAL', res.statusText);
}
