import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import {
  AccordError,
  ROUTES,
  parseOrThrow,
  routeOf,
  type RouteInput,
  type RouteKey,
  type Routes,
  type RouteSpec,
} from '@accord/shared';
import { requirePasswordChanged, type AuthService, type Identity } from '../auth/service';
import type { Upload } from '../evidence/service';

type Spec<K extends RouteKey> = Routes[K];
type Parsed<T> = T extends RouteInput<infer S> ? z.output<S> : undefined;

/** A route's checked request: each part already validated by its schema in shared/src/routes.ts. */
export interface RouteRequest<K extends RouteKey> {
  req: Request;
  res: Response;
  /** The session's identity on routes that need one. */
  identity: Spec<K>['auth'] extends 'session' ? Identity : null;
  params: Spec<K> extends { params: infer P } ? { [N in keyof P]: Parsed<P[N]> } : Record<string, never>;
  query: Spec<K> extends { query: infer Q } ? Parsed<Q> : undefined;
  /** The uploaded files of a multipart route (names decoded as UTF-8); empty otherwise. */
  files: Upload[];
}

export interface RouteContext<K extends RouteKey, A> extends RouteRequest<K> {
  body: Spec<K> extends { body: infer B } ? Parsed<B> : undefined;
  /** What the route's `access` check returned. */
  access: A;
}

/** A file answered as a download, never rendered by the browser. */
export interface FileReply {
  contentType: string;
  filename: string;
  data: Buffer;
}

/** What a handler returns: what the result schema accepts, nothing for 204, a file for downloads. */
export type RouteReply<K extends RouteKey> = Spec<K>['result'] extends z.ZodType
  ? z.input<Spec<K>['result']>
  : Spec<K>['result'] extends 'file'
    ? FileReply
    : void;

export interface RouteOptions<K extends RouteKey, A> {
  /**
   * Who may call it, decided after the session and the path (and before the body) are checked,
   * so that someone without the right is refused without being told what a valid body is.
   */
  access?: (request: RouteRequest<K>) => Promise<A>;
  /** The multipart handler of a route with `upload` (it holds the limits). */
  upload?: RequestHandler;
}

/** Registers the route `key` with its handler on a router. */
export type RegisterRoute = <K extends RouteKey, A = undefined>(
  key: K,
  // A comes from `options.access`, never from what the handler happens to read.
  handler: (ctx: RouteContext<K, NoInfer<A>>) => Promise<RouteReply<K>>,
  options?: RouteOptions<K, A>,
) => void;

export type Authenticate = (token: string) => Promise<Identity>;

/** The part of a case route's request an access check reads. */
export interface CaseRequest {
  identity: Identity;
  params: { caseId: string };
}

/**
 * The access check of the routes that manage a case (invites, members). Its parameter is
 * typed, so the check's result types the handler's `access`.
 */
export function managing(auth: Pick<AuthService, 'managerFor'>, action: ManagerAction) {
  return ({ identity, params }: CaseRequest) => auth.managerFor(identity, params.caseId, action);
}
type ManagerAction = Parameters<AuthService['managerFor']>[2];

/** What a staff member on a one-time password may still do: replace it, see who they are, sign out. */
const BEFORE_OWN_PASSWORD: ReadonlySet<RouteKey> = new Set<RouteKey>([
  'POST /api/auth/password',
  'POST /api/auth/logout',
  'GET /api/me',
]);

function bearer(req: Request): string {
  const match = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '');
  if (!match?.[1]) throw new AccordError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  return match[1];
}

function uploadsOf(req: Request): Upload[] {
  return ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({
    // busboy decodes names as latin1; clients send UTF-8.
    originalname: Buffer.from(f.originalname, 'latin1').toString('utf8'),
    buffer: f.buffer,
  }));
}

function send(res: Response, spec: RouteSpec, reply: unknown): void {
  if (spec.result === 'no content') {
    res.status(204).end();
  } else if (spec.result === 'file') {
    const file = reply as FileReply;
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(file.data);
  } else {
    res.status(spec.status ?? 200).json(reply);
  }
}

/**
 * Registers routes on `router` by their key in `ROUTES`: the method and path come from the
 * key; the request is checked in one order for all (session, path, query, access, body), each
 * part with its schema and error name; the answer is sent as the route's result says.
 */
export function routesOn(router: Router, authenticate: Authenticate | null): RegisterRoute {
  const methods = {
    GET: router.get.bind(router),
    POST: router.post.bind(router),
    PUT: router.put.bind(router),
    DELETE: router.delete.bind(router),
  };
  function register<K extends RouteKey, A = undefined>(
    key: K,
    handler: (ctx: RouteContext<K, NoInfer<A>>) => Promise<RouteReply<K>>,
    options: RouteOptions<K, A> = {},
  ): void {
    const spec: RouteSpec = ROUTES[key];
    if (spec.auth === 'session' && !authenticate) throw new Error(`${key} needs a session; this router has none`);
    if (spec.upload && !options.upload) throw new Error(`${key} takes an upload; give it its multipart handler`);
    const run: RequestHandler = async (req, res) => {
      const identity = spec.auth === 'session' && authenticate ? await authenticate(bearer(req)) : null;
      // Every other staff route is refused, with the reason, until the one-time password is replaced.
      if (identity && !BEFORE_OWN_PASSWORD.has(key)) requirePasswordChanged(identity);
      const params = Object.fromEntries(
        Object.entries(spec.params ?? {}).map(([name, p]) => [name, parseOrThrow(p.schema, req.params[name], p.name)]),
      );
      const query = spec.query ? parseOrThrow(spec.query.schema, req.query, spec.query.name) : undefined;
      const files = spec.upload ? uploadsOf(req) : [];
      // The parsed parts are what the key's schemas make of them: typed by RouteRequest<K>.
      const request = { req, res, identity, params, query, files } as RouteRequest<K>;
      const access = options.access ? await options.access(request) : undefined;
      const body = spec.body ? parseOrThrow(spec.body.schema, req.body, spec.body.name) : undefined;
      // Without an access check there is nothing to pass: A is then `undefined`.
      const reply = await handler({ ...request, access: access as A, body } as RouteContext<K, A>);
      send(res, spec, reply);
    };
    const { method, path } = routeOf(key);
    methods[method](path, ...(options.upload ? [options.upload, run] : [run]));
  }
  return register;
}
