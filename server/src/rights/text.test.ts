import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config';
import { loadRightsTexts, parseRightsText } from './text';

const GOOD = `# 标题
version: 2026-12-05

## 第一节

一段话。

- 一点
- 又一点

## 第二节

- 只有要点
`;

const CONTENT = join(import.meta.dirname, '../../../content/rights');

describe('the rights and duties texts (content/rights)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('parses the subset: title, version, sections of paragraphs then points; hashes the file as stored', () => {
    const text = parseRightsText('zh-CN', GOOD);
    expect(text).toMatchObject({
      language: 'zh-CN',
      version: '2026-12-05',
      title: '标题',
      sections: [
        { heading: '第一节', paragraphs: ['一段话。'], points: ['一点', '又一点'] },
        { heading: '第二节', paragraphs: [], points: ['只有要点'] },
      ],
    });
    expect(text.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parseRightsText('zh-CN', `${GOOD}\n`).sha256).not.toBe(text.sha256);
  });

  it('the shipped texts load, in both languages, with the same sections', () => {
    const texts = loadRightsTexts(CONTENT);
    expect(texts['zh-CN'].sections.length).toBeGreaterThanOrEqual(5);
    expect(texts.en.sections.map((s) => s.points.length)).toEqual(texts['zh-CN'].sections.map((s) => s.points.length));
  });

  it('names the file and the line of a malformed text', () => {
    const bad: [string, RegExp][] = [
      ['', /line 1: the file is empty/],
      ['标题\nversion: 1\n## a\n- b\n', /line 1: the first line must be the title/],
      ['# t\n## a\n- b\n', /line 2: the line after the title must be "version/],
      ['# t\nversion: 1\n\n一段\n', /line 4: text before the first section/],
      ['# t\nversion: 1\n## a\n### b\n', /line 4: only "# " \(the title\) and "## "/],
      ['# t\nversion: 1\n## a\n## b\n- c\n', /line 4: section "a" is empty/],
      ['# t\nversion: 1\n## a\n- b\n一段\n', /line 5: a paragraph after the points of section "a"/],
      ['# t\nversion: 1\n## a\n1. b\n', /line 4: points start with "- "/],
      ['# t\nversion: 1\n## a\n- b\nversion: 2\n', /line 5: a second version line/],
      ['# t\nversion: 1\n', /no section/],
    ];
    for (const [source, why] of bad) {
      expect(() => parseRightsText('en', source, 'x/en.md'), source).toThrow(ConfigError);
      expect(() => parseRightsText('en', source, 'x/en.md'), source).toThrow(why);
    }
    expect(() => parseRightsText('en', '', 'x/en.md')).toThrow(/x\/en\.md/);
  });

  it('stops the start when a language has no file, naming it and the setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-rights-'));
    dirs.push(dir);
    copyFileSync(join(CONTENT, 'zh-CN.md'), join(dir, 'zh-CN.md'));
    expect(() => loadRightsTexts(dir)).toThrow(/for en cannot be read .*en\.md.*ACCORD_RIGHTS_DIR/);
    writeFileSync(join(dir, 'en.md'), '# t\n');
    expect(() => loadRightsTexts(dir)).toThrow(/en\.md, line 2: no version line/);
  });
});
