import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaseLanguage, type RightsSection } from '@accord/shared';
import { ConfigError } from '../config';

/** One language's text of the rights and duties, as parsed from its file. */
export interface RightsText {
  language: CaseLanguage;
  version: string;
  /** SHA-256 (hex) of the file exactly as stored: `sha256sum <language>.md` gives it. */
  sha256: string;
  title: string;
  sections: RightsSection[];
}

export type RightsTexts = Readonly<Record<CaseLanguage, RightsText>>;

const VERSION = /^version:\s*([A-Za-z0-9._-]{1,64})\s*$/;

/**
 * Reads `<dir>/<language>.md` for every case language (content/rights/README.md describes the format).
 * A file missing or not in the format stops the start with a ConfigError naming the file and line: a
 * party must never be shown half a text, nor acknowledge one that was not what the centre wrote.
 */
export function loadRightsTexts(dir: string): RightsTexts {
  const out = {} as Record<CaseLanguage, RightsText>;
  for (const language of CaseLanguage.options) {
    const file = join(dir, `${language}.md`);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(
        `the rights and duties text for ${language} cannot be read (${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ` +
          'set ACCORD_RIGHTS_DIR to the folder holding zh-CN.md and en.md (content/rights of the checkout by default)',
      );
    }
    out[language] = parseRightsText(language, source, file);
  }
  return out;
}

/** Parses one file of the subset; throws a ConfigError naming `file` and the line at the first problem. */
export function parseRightsText(language: CaseLanguage, source: string, file = `${language}.md`): RightsText {
  const sha256 = createHash('sha256').update(source, 'utf8').digest('hex');
  const fail = (line: number, why: string): never => {
    throw new ConfigError(`rights and duties text ${file}, line ${line}: ${why} (see content/rights/README.md)`);
  };
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  let title: string | null = null;
  let version: string | null = null;
  const sections: RightsSection[] = [];
  for (const [i, raw] of lines.entries()) {
    const n = i + 1;
    const line = raw.trim();
    if (line === '') continue;
    if (title === null) {
      if (!line.startsWith('# ') || line.slice(2).trim() === '') fail(n, 'the first line must be the title, "# Title"');
      title = line.slice(2).trim();
      continue;
    }
    if (version === null) {
      const m = VERSION.exec(line);
      if (!m?.[1]) fail(n, 'the line after the title must be "version: <version>" (letters, digits, . _ -)');
      version = m?.[1] ?? '';
      continue;
    }
    if (line.startsWith('## ')) {
      const heading = line.slice(3).trim();
      if (heading === '') fail(n, 'a section heading is empty');
      const last = sections.at(-1);
      if (last && last.paragraphs.length + last.points.length === 0) fail(n, `section "${last.heading}" is empty`);
      sections.push({ heading, paragraphs: [], points: [] });
      continue;
    }
    if (line.startsWith('#')) fail(n, 'only "# " (the title) and "## " (a section) headings are allowed');
    if (VERSION.test(line)) fail(n, 'a second version line');
    const section = sections.at(-1);
    if (!section) return fail(n, 'text before the first section ("## Heading")');
    if (line.startsWith('- ')) {
      const point = line.slice(2).trim();
      if (point === '') fail(n, 'an empty point');
      section.points.push(point);
      continue;
    }
    if (/^([*+]|\d+[.)])\s/.test(line)) fail(n, 'points start with "- " (no other kind of list)');
    // Keeps the order a party reads in: the schema holds a section's paragraphs, then its points.
    if (section.points.length > 0) fail(n, `a paragraph after the points of section "${section.heading}"`);
    section.paragraphs.push(line);
  }
  if (title === null) return fail(1, 'the file is empty');
  if (version === null) return fail(lines.length, 'no version line');
  const last = sections.at(-1);
  if (!last) return fail(lines.length, 'no section ("## Heading")');
  if (last.paragraphs.length + last.points.length === 0) fail(lines.length, `section "${last.heading}" is empty`);
  return { language, version, sha256, title, sections };
}
