import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { AccordError } from '@accord/shared';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { errorMessage } from './errors';

async function translator(lng: 'en' | 'zh-CN') {
  const i = i18next.createInstance();
  await i.init({
    lng,
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  return i.t;
}

describe('errorMessage', () => {
  it('words a reason with its params, codes within it in the reader’s words', async () => {
    const zh = await translator('zh-CN');
    const en = await translator('en');
    const move = AccordError.because('INVALID_TRANSITION', 'case.cannotMove', 'x', {
      from: 'rejected',
      to: 'accepted',
    }).toBody();
    expect(errorMessage(zh, move)).toBe('案件不能从“不予受理”转为“已受理”。');
    expect(errorMessage(en, move)).toBe('The case cannot go from “Rejected” to “Accepted”.');
    const phase = AccordError.because('INVALID_TRANSITION', 'room.cannotMovePhase', 'x', {
      from: 'opening',
      to: 'signing',
    }).toBody();
    expect(errorMessage(zh, phase)).toContain('开场陈述');
    expect(errorMessage(en, phase)).toBe('The session cannot go from “Opening statement” to “Signing”.');
    const big = AccordError.because('PAYLOAD_TOO_LARGE', 'evidence.tooLarge', 'x', { name: '合同.pdf', maxMb: 10 });
    expect(errorMessage(zh, big.toBody())).toBe('“合同.pdf”超过 10 MB。');
  });

  it('falls back to the code’s words, never the server’s English', async () => {
    const zh = await translator('zh-CN');
    expect(errorMessage(zh, { code: 'NOT_FOUND', message: 'no such thing' })).toBe('未找到');
    expect(errorMessage(zh, { code: 'FORBIDDEN', reason: 'no.such.reason' })).toBe('您的角色无此权限');
    expect(errorMessage(zh, { code: 'NETWORK' })).toBe(zhCN.errors.network);
    expect(errorMessage(zh, 'garbage')).toBe('服务器出错，请重试');
  });

  it('names the fields a validation failure is about, by the page’s labels, in the reader’s words', async () => {
    const zh = await translator('zh-CN');
    const en = await translator('en');
    const failure = {
      code: 'VALIDATION_FAILED',
      message: 'phone: an 11-digit mobile number',
      issues: [
        { path: 'phone', message: 'an 11-digit mobile number' },
        { path: 'nationalId', message: '18 characters' },
        { path: 'phone', message: 'again' },
      ],
    };
    expect(errorMessage(zh, failure, { phone: '手机号码', nationalId: '身份证号码' })).toBe(
      '请检查：手机号码、身份证号码',
    );
    expect(errorMessage(en, failure, { phone: 'Mobile phone', nationalId: 'ID number' })).toBe(
      'Please check: Mobile phone, ID number',
    );
    // A field the page does not show (or no labels at all): the code's words, never zod's English.
    expect(errorMessage(zh, failure, { name: '姓名' })).toBe('填写的内容有误');
    expect(errorMessage(zh, failure)).toBe('填写的内容有误');
    expect(errorMessage(zh, { ...failure, issues: [{ path: 'terms.amount', message: 'x' }] }, { terms: '条款' })).toBe(
      '请检查：条款',
    );
  });
});
