import type { RouteKey } from './routes';

// Apart from the route table (which holds every schema) so that a page can build its URLs without
// downloading the schemas: the client loads those beside its first request (client/src/app/api.ts).

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

type PathOfKey<K extends string> = K extends `${string} ${infer P}` ? P : never;
type ParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}`
  ? N | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer N}`
    ? N
    : never;
/** The path parameters of a route, as the key names them. */
export type RouteParams<K extends RouteKey> = { [N in ParamNames<PathOfKey<K>>]: string };
/** `[params]` for a route with parameters, `[]` for one without. */
export type ParamsArg<K extends RouteKey> = [ParamNames<PathOfKey<K>>] extends [never] ? [] : [RouteParams<K>];

/** A route's method and Express-style path (`/api/cases/:caseId`). */
export function routeOf(key: RouteKey): { method: RouteMethod; path: string } {
  const [method, path] = key.split(' ') as [RouteMethod, string];
  return { method, path };
}

/** The URL path of a route with each parameter filled in and encoded. */
export function pathOf<K extends RouteKey>(key: K, ...[params]: ParamsArg<K>): string {
  const values = (params ?? {}) as Record<string, string>;
  return routeOf(key).path.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${key}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}
