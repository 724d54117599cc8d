import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { API_PREFIX, AccordError, httpStatusOf, parseRoute } from '@accord/shared';
import type { TrustProxy } from '../lib/client-address';
import type { Registry } from 'prom-client';
import { toErrorBody } from '../errors';
import type { Logger } from '../log';
import { routesOn } from './route';
import { clientFiles, sendPage } from './static';

export interface AppOptions {
  /** Which peers' X-Forwarded-For is believed (ACCORD_TRUSTED_PROXIES), for req.ip. */
  trustProxy: TrustProxy;
  /** Liveness, readiness and metrics for the operator. */
  ops: { ready: () => Promise<void>; metrics: Registry };
  clientDist: string;
  /** Served at /.well-known/accord-outcome-key.json. */
  publicKey: object;
  log: Logger;
  version: string;
  /** `ACCORD_PUBLIC_URL`: its WebSocket origin is allowed by the CSP beside the page's own. */
  publicUrl?: string | null;
}

/**
 * The client's content security policy. Scripts only from this origin (no inline script, no eval),
 * so markup that slips into the page cannot run code. Styles also allow inline: TipTap injects its
 * base stylesheet as a <style> element and y-prosemirror colours carets with style attributes; CSS
 * cannot run script, and img-src/font-src/connect-src keep it from sending anything elsewhere.
 */
export function contentSecurityPolicy(publicUrl: string | null = null): Record<string, string[]> {
  const pub = publicUrl ? new URL(publicUrl) : null;
  const wsOfPublic = pub ? [`${pub.protocol === 'https:' ? 'wss' : 'ws'}://${pub.host}`] : [];
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    // CSP 3: 'self' covers ws:/wss: of the page's own host (Socket.IO and /yjs).
    'connect-src': ["'self'", ...wsOfPublic],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
}

/** Express app: security headers, JSON bodies, the API routers, the built client, errors as JSON. */
export function createHttpApp(routers: express.Router[], options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.use(
    helmet({
      // No upgrade-insecure-requests: a node is also reached over plain HTTP (tests, a TLS-terminating proxy).
      contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(options.publicUrl ?? null) },
      // Invite links carry a token in the path: never send it on as a Referer.
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      // HSTS only means something over HTTPS, which the proxy in front decides (docs/DEPLOY.md).
      strictTransportSecurity: false,
    }),
  );
  const health = express.Router();
  routesOn(health, null)('GET /api/health', async () => ({ status: 'ok' as const, version: options.version }));
  app.use(health);
  // Alive: the process answers. Ready: it can reach its store and Redis, so a balancer may send clients.
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', (_req, res) => {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref());
    Promise.race([options.ops.ready(), timeout]).then(
      () => res.json({ status: 'ready' }),
      (err: unknown) => res.status(503).json({ status: 'unavailable', reason: (err as Error).message }),
    );
  });
  app.get('/metrics', (_req, res) => {
    void options.ops.metrics.metrics().then((text) => {
      res.setHeader('Content-Type', options.ops.metrics.contentType);
      res.send(text);
    });
  });
  app.get('/.well-known/accord-outcome-key.json', (_req, res) => {
    res.json(options.publicKey);
  });
  // The routers hold whole paths (`/api/…`, from shared/src/routes.ts); only their bodies are parsed here.
  app.use(API_PREFIX, express.json({ limit: '64kb' }));
  app.use(...routers);
  app.use(API_PREFIX, (req) => {
    throw new AccordError('NOT_FOUND', `no route ${req.method} ${req.path}`);
  });

  const index = join(options.clientDist, 'index.html');
  if (existsSync(index)) {
    app.use(clientFiles(options.clientDist));
    // A hashed file that is not there (a source map, a chunk of an older build) is a plain 404, not the page.
    app.use('/assets', (_req, res) => {
      res.status(404).type('text').send('not found');
    });
    // Client-side routes (/join/…, /cases/…) all load the single page.
    // A path that is no page gets the client's not-found page with a 404, so nothing indexes or
    // bookmarks it as a page.
    const page = sendPage(options.clientDist);
    app.get(/^\/(?!api\/|yjs\/|socket\.io\/).*/, (req, res) => {
      if (parseRoute(req.path).page === 'notFound') res.status(404);
      page(req, res);
    });
  } else {
    options.log.warn({ event: 'client.missing', dir: options.clientDist }, 'client not built; run `pnpm build`');
    app.get('/', (_req, res) => {
      res.status(503).type('text').send('The Accord client is not built. Run `pnpm build`, then restart.');
    });
  }

  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const type = (err as { type?: unknown }).type;
    const multerCode =
      (err as { name?: unknown; code?: unknown }).name === 'MulterError'
        ? String((err as { code?: unknown }).code)
        : null;
    // busboy (under multer) refuses a malformed multipart body with a plain Error: the client's fault.
    const message = err instanceof Error ? err.message : '';
    const malformedMultipart =
      /^(Malformed part header|Unexpected end of (form|file)|Multipart: Boundary not found|Malformed urlencoded form)/.test(
        message,
      );
    const body = malformedMultipart
      ? { code: 'VALIDATION_FAILED' as const, message: `the upload is malformed: ${message}` }
      : multerCode
        ? multerCode === 'LIMIT_FILE_SIZE'
          ? { code: 'PAYLOAD_TOO_LARGE' as const, message: 'a file is larger than the limit' }
          : multerCode === 'LIMIT_FILE_COUNT'
            ? { code: 'VALIDATION_FAILED' as const, message: 'too many files in one upload' }
            : { code: 'VALIDATION_FAILED' as const, message: `upload refused: ${multerCode}` }
        : type === 'entity.parse.failed'
          ? { code: 'VALIDATION_FAILED' as const, message: 'the request body is not valid JSON' }
          : type === 'entity.too.large'
            ? { code: 'PAYLOAD_TOO_LARGE' as const, message: 'the request body is larger than 64 KiB' }
            : toErrorBody(err, options.log);
    if (body.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.ceil(body.retryAfterMs / 1000)));
    res.status(httpStatusOf[body.code]).json({ error: body });
  });
  return app;
}
