import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { enPublic } from './en-public';
import { zhCN } from './zh-CN';
import { zhCNPublic } from './zh-CN-public';

/**
 * The pages a borrower opens first load only the first part of the strings (index.ts). A key of another
 * part used by them would show bare on screen: this reads their code, and the code it imports
 * statically, for the namespaces it names.
 */
const src = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIRST_PAGES = [
  'App.tsx',
  'main.tsx',
  'auth/LoginPage.tsx',
  'auth/JoinPage.tsx',
  'intake/IntakePage.tsx',
  'intake/TrackPage.tsx',
];

function resolve(from: string, spec: string): string | null {
  const base = normalize(join(dirname(from), spec));
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && /\.tsx?$/.test(candidate)) return candidate;
  }
  return null;
}

/** Every file the pages import statically (dynamic imports load with their own strings). */
function reachable(starts: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = starts.map((s) => join(src, s));
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
      const next = resolve(file, m[1]!);
      if (next && !next.includes(`${join(src, 'i18n')}`)) todo.push(next);
    }
  }
  return seen;
}

const namespaces = Object.keys(en);

describe('the strings of the first pages', () => {
  it('are all in the first part: those pages name no namespace of another part', () => {
    const files = reachable(FIRST_PAGES);
    expect(files.size).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const file of files) {
      // Comments name keys as examples; code names them in strings.
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const m of code.matchAll(/['"`]([a-zA-Z]+)\.[a-zA-Z$]/g)) {
        const ns = m[1]!;
        if (namespaces.includes(ns) && !(ns in enPublic)) missing.push(`${file.slice(src.length + 1)}: ${m[0]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('are the same in both languages, and each language has all its strings once', () => {
    expect(Object.keys(zhCNPublic).sort()).toEqual(Object.keys(enPublic).sort());
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const ns of Object.keys(enPublic)) expect(Object.keys(en)).toContain(ns);
  });
});
