import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { readTermsMap } from '@accord/shared';
import * as Y from 'yjs';
import { hasChanges, termChanges, textDiff, withContext } from './diff';
import { DiffText } from './RoundsPanel';

const terms = () => readTermsMap(new Y.Doc().getMap('terms'));

describe('text diffs between rounds', () => {
  it('marks a changed word inside a line, not the whole line', () => {
    const parts = textDiff('The customer pays 500 yuan.\nLine two.\n', 'The customer pays 600 yuan.\nLine two.\n');
    expect(parts).toEqual([
      { kind: 'same', text: 'The customer pays ' },
      { kind: 'del', text: '500' },
      { kind: 'ins', text: '600' },
      { kind: 'same', text: ' yuan.\nLine two.\n' },
    ]);
  });

  it('marks a changed Chinese character alone, and added lines whole', () => {
    expect(textDiff('支付五千元。\n', '支付六千元。\n第二条。\n')).toEqual([
      { kind: 'same', text: '支付' },
      { kind: 'del', text: '五' },
      { kind: 'ins', text: '六' },
      { kind: 'same', text: '千元。\n' },
      { kind: 'ins', text: '第二条。\n' },
    ]);
  });

  it('compares each replaced line with its own replacement', () => {
    expect(textDiff('pay 1 now\nfee 2 later\n', 'pay 3 now\nfee 4 later\n')).toEqual([
      { kind: 'same', text: 'pay ' },
      { kind: 'del', text: '1' },
      { kind: 'ins', text: '3' },
      { kind: 'same', text: ' now\nfee ' },
      { kind: 'del', text: '2' },
      { kind: 'ins', text: '4' },
      { kind: 'same', text: ' later\n' },
    ]);
  });

  it('shows lines whose figures nearly all changed as lines replaced, not word confetti', () => {
    const a = '第 1 期 | 2027年1月15日 | 806.19 | 101.66 | 16.66 | 924.51 | 9,193.81\n';
    const b = '第 1 期 | 2027年1月15日 | 810.05 | 83.33 | 16.66 | 910.04 | 9,189.95\n';
    expect(textDiff(`合计\n${a}其他\n`, `合计\n${b}其他\n`)).toEqual([
      { kind: 'same', text: '合计\n' },
      { kind: 'del', text: a },
      { kind: 'ins', text: b },
      { kind: 'same', text: '其他\n' },
    ]);
  });

  it('puts the two texts back together: the earlier without insertions, the later without deletions', () => {
    const a = '一、协议内容\n  甲方退还服务费 300 元。\n  乙方撤回投诉。\n二、协议条款\n';
    const b = '一、协议内容\n  甲方于十日内退还服务费 350 元。\n二、协议条款\n  其他条件：无\n';
    const parts = textDiff(a, b);
    expect(
      parts
        .filter((p) => p.kind !== 'ins')
        .map((p) => p.text)
        .join(''),
    ).toBe(a);
    expect(
      parts
        .filter((p) => p.kind !== 'del')
        .map((p) => p.text)
        .join(''),
    ).toBe(b);
    expect(hasChanges(parts)).toBe(true);
    expect(hasChanges(textDiff(a, a))).toBe(false);
  });

  it('renders insertions in <ins> and deletions in <del>, text escaped', () => {
    const html = renderToStaticMarkup(
      createElement(DiffText, { parts: textDiff('pay <b>500</b>\n', 'pay <b>600</b>\n') }),
    );
    expect(html).toContain('<del>500</del>');
    expect(html).toContain('<ins>600</ins>');
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toContain('<b>');
  });
});

describe('terms compared field by field', () => {
  it('lists only the terms that differ, in the schema order, unset and empty alike', () => {
    const before = { ...terms(), amountAgreedCents: 50_000, conditions: '' };
    const after = { ...terms(), amountAgreedCents: 60_000, planKind: 'equal_principal' as const, conditions: '' };
    expect(termChanges(before, after)).toEqual([
      { key: 'amountAgreedCents', from: 50_000, to: 60_000 },
      { key: 'planKind', from: null, to: 'equal_principal' },
    ]);
    // A round sealed before plans existed has no plan keys: the same as unset.
    const { planKind: _dropped, ...old } = before;
    expect(termChanges(old, before)).toEqual([]);
  });
});

describe('a diff as shown', () => {
  const lines = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');

  it('cuts long unchanged stretches to a few lines around each change, and counts the rest', () => {
    const before = lines(1, 20);
    const after = before.replace('line 10\n', 'line ten\n');
    const shown = withContext(textDiff(before, after));
    expect(shown).toEqual([
      { kind: 'skip', lines: 7 },
      { kind: 'same', text: 'line 8\nline 9\nline ' },
      { kind: 'del', text: '10' },
      { kind: 'ins', text: 'ten' },
      { kind: 'same', text: '\nline 11\nline 12\n' },
      { kind: 'skip', lines: 8 },
    ]);
  });

  it('keeps short stretches whole', () => {
    const parts = textDiff('a\nb\nc\n', 'a\nB\nc\n');
    expect(withContext(parts)).toEqual(parts);
  });
});
