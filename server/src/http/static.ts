import { existsSync } from 'node:fs';
import { join } from 'node:path';
import expressStaticGzip from 'express-static-gzip';
import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';

/**
 * The built client, as a phone on a slow network should get it: each file compressed at build time
 * (brotli, else gzip; client/vite.config.ts), hashed files (`/assets/*`) cached for a year since their
 * name changes with their content, and everything else revalidated on each visit so an update shows at
 * once. Source maps are not in the served folder at all (the build moves them out).
 */

const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

function cacheControlFor(path: string): string {
  return /[\\/]assets[\\/]/.test(path) ? YEAR_IMMUTABLE : REVALIDATE;
}

export function clientFiles(dist: string): RequestHandler {
  return expressStaticGzip(dist, {
    enableBrotli: true,
    // Brotli is smaller than gzip for the same file; the browser's own order only decides between equals.
    orderPreference: ['br', 'gzip'],
    index: false,
    serveStatic: {
      index: false,
      // Set here instead of by maxAge, per file: the year for hashed names only.
      cacheControl: false,
      fallthrough: true,
      setHeaders: (res: ServerResponse, path: string) => {
        res.setHeader('Cache-Control', cacheControlFor(path));
      },
    },
  }) as RequestHandler;
}

/**
 * The single page (every client route), compressed like the other files when the browser accepts it.
 * Always revalidated: it names the current build's hashed files.
 */
export function sendPage(dist: string): (req: Request, res: Response) => void {
  const index = join(dist, 'index.html');
  const variants = [
    { encoding: 'br', file: `${index}.br` },
    { encoding: 'gzip', file: `${index}.gz` },
  ].filter((v) => existsSync(v.file));
  return (req, res) => {
    res.setHeader('Cache-Control', REVALIDATE);
    res.vary('Accept-Encoding');
    const accepted = req.acceptsEncodings(...variants.map((v) => v.encoding), 'identity');
    const variant = variants.find((v) => v.encoding === accepted);
    if (!variant) return res.sendFile(index);
    res.setHeader('Content-Encoding', variant.encoding);
    res.type('html');
    res.sendFile(variant.file);
  };
}
