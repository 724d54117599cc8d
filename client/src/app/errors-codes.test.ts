import { ErrorCode } from '@accord/shared';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { errorMessage } from './errors';

const LATIN_WORD = /[A-Za-z]{2,}/;

describe('errorMessage, for every code', () => {
  beforeAll(async () => {
    await i18next.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'zh-CN',
      interpolation: { escapeValue: false },
      showSupportNotice: false,
    });
  });

  it('translates every error code, in Chinese without English words (PIN aside)', () => {
    const t = i18next.getFixedT('zh-CN');
    for (const code of ErrorCode.options) {
      const text = errorMessage(t, { code, message: 'english for logs' });
      expect(text, code).not.toMatch(/english/);
      expect(text.replace(/PIN/g, ''), code).not.toMatch(LATIN_WORD);
    }
  });

  it('prefers the reason, with its params, over the code', () => {
    const zh = i18next.getFixedT('zh-CN');
    const enT = i18next.getFixedT('en');
    const failure = { code: 'RATE_LIMITED', reason: 'auth.lockedOut', params: { seconds: 42 }, message: 'x' };
    expect(errorMessage(zh, failure)).toBe('失败次数过多，请 42 秒后再试。');
    expect(errorMessage(enT, failure)).toBe('Too many failed attempts. Try again in 42 s.');
  });

  it('falls back to the code for a reason this client does not know, and to a generic text for anything else', () => {
    const zh = i18next.getFixedT('zh-CN');
    expect(errorMessage(zh, { code: 'BAD_CREDENTIALS', reason: 'from.aNewerServer' })).toBe('PIN 码或密码错误');
    expect(errorMessage(zh, { code: 'NETWORK' })).toBe('无法连接服务器，请检查网络后重试。');
    expect(errorMessage(zh, new Error('TypeError: x is undefined'))).toBe('服务器出错，请重试');
  });
});
