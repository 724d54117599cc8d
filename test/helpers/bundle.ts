import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One chunk of Vite's build manifest (`client/dist/.vite/manifest.json`). */
interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
  isDynamicEntry?: boolean;
}
export type Manifest = Record<string, ManifestChunk>;

export function readManifest(dist: string): Manifest {
  return JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
}

/**
 * The JavaScript files a page needs before it can be used: the chunks named (the entry, the page's
 * own chunk, its language strings) and everything they import statically. Dynamic imports are left
 * out: they load only when the page asks for them (the PDF reader, the charts).
 */
export function filesFor(manifest: Manifest, keys: readonly string[]): string[] {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the build manifest has no chunk ${key}`);
    if (chunk.file.endsWith('.js')) files.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  keys.forEach(visit);
  return [...files].sort();
}

/** Each file's size gzipped at the level the build precompresses with (9), as a phone downloads it. */
export function gzippedSize(dist: string, file: string): number {
  return gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
}

export interface PageWeight {
  page: string;
  files: { file: string; gzipped: number }[];
  gzipped: number;
}

export function pageWeight(dist: string, manifest: Manifest, page: string, keys: readonly string[]): PageWeight {
  const files = filesFor(manifest, keys).map((file) => ({ file, gzipped: gzippedSize(dist, file) }));
  return { page, files, gzipped: files.reduce((sum, f) => sum + f.gzipped, 0) };
}
