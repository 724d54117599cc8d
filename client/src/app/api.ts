import {
  pathOf,
  routeOf,
  type ErrorBody,
  type JsonRouteKey,
  type ParamsArg,
  type RouteAnswer,
  type RouteBody,
  type RouteKey,
  type RouteQuery,
  type RouteSpec,
} from '@accord/shared';

// The schemas that check answers are a chunk of their own, fetched beside the first request: a page can
// render and take input before they arrive (the /complain and /track budgets in test/integration).
const routeTable = () => import('@accord/shared/routes').then((m) => m.ROUTES as Record<RouteKey, RouteSpec>);
const errorSchema = () => import('@accord/shared/errors').then((m) => m.ErrorBody);

/** An error the server answered with (`code` from shared ErrorCode), or NETWORK when it could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorBody['code'] | 'NETWORK',
    message: string,
    readonly reason?: ErrorBody['reason'],
    readonly params?: ErrorBody['params'],
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
  }
}

/** The session token, and the path parameters of route `K` when its key names any. */
export type CallOptions<K extends RouteKey> = { token?: string | undefined } & (ParamsArg<K> extends [infer P]
  ? { params: P }
  : { params?: undefined });

/** What a call of route `K` sends: its path parameters, body and query (as the URL carries them: text). */
export type ApiOptions<K extends RouteKey> = CallOptions<K> &
  (RouteBody<K> extends undefined ? { body?: undefined } : { body: RouteBody<K> }) &
  (RouteQuery<K> extends undefined ? unknown : { query?: { [Q in keyof RouteQuery<K>]?: string } });

/** The URL of a call: the route's path with its parameters, and its query if any. */
export function urlOf(key: RouteKey, params: Record<string, string> | undefined, query: Record<string, string> = {}) {
  // pathOf checks each parameter the key names against `params`.
  const path = (pathOf as (k: RouteKey, p?: Record<string, string>) => string)(key, params);
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== ''));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** Calls the REST route `key` and validates the answer with the route's result schema from shared/. */
export async function api<K extends JsonRouteKey>(key: K, options: ApiOptions<K>): Promise<RouteAnswer<K>> {
  const { params, body, query, token } = options as {
    params?: Record<string, string>;
    body?: unknown;
    query?: Record<string, string>;
    token?: string;
  };
  const schemas = routeTable();
  let res: Response;
  try {
    res = await fetch(urlOf(key, params, query), {
      method: routeOf(key).method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError('NETWORK', 'network error');
  }
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) throw await errorOf(res, json);
  return answerOf(key, json, await schemas);
}

/** A route's answer checked by its result schema; 'no content' answers nothing. */
export async function answerOf<K extends RouteKey>(
  key: K,
  json: unknown,
  routes?: Record<RouteKey, RouteSpec>,
): Promise<RouteAnswer<K>> {
  const spec: RouteSpec = (routes ?? (await routeTable()))[key];
  return (typeof spec.result === 'string' ? undefined : spec.result.parse(json)) as RouteAnswer<K>;
}

/** The server's `{ error }` body as an ApiError (or the status text when there is none). */
export async function errorOf(res: Response, json: unknown): Promise<ApiError> {
  const parsed = (await errorSchema()).safeParse((json as { error?: unknown } | null)?.error);
  return parsed.success
    ? new ApiError(parsed.data.code, parsed.data.message, parsed.data.reason, parsed.data.params, parsed.data.issues)
    : new ApiError('INTERNAL', res.statusText);
}
