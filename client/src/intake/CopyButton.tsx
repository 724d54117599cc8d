import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Puts `text` on the clipboard. `navigator.clipboard` exists only in a secure context (https or
 * localhost): a centre that serves Accord over plain http on its LAN still gets a copy, through a
 * selected, off-screen textarea and the old `execCommand('copy')`.
 */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission, the page not focused): the older way may still work.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.left = '-9999px';
  document.body.append(area);
  area.select();
  try {
    // Deprecated, but the only copy outside a secure context.
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/**
 * A secondary button that copies `text`, and beside it a polite live region saying it did (or that
 * it could not): the confirmation is heard as well as seen, and fades after a few seconds.
 */
export function CopyButton({ text, label, testId }: { text: string; label: string; testId: string }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  useEffect(() => {
    if (result !== 'copied') return;
    const timer = window.setTimeout(() => setResult(null), 4000);
    return () => window.clearTimeout(timer);
  }, [result]);
  return (
    <span className="copy-action">
      <button
        type="button"
        className="secondary"
        data-testid={testId}
        onClick={() => void copyText(text).then((ok) => setResult(ok ? 'copied' : 'failed'))}
      >
        {label}
      </button>
      <span role="status" aria-live="polite" className="copy-status" data-testid={`${testId}-status`}>
        {result === 'copied' ? `✓ ${t('trackNext.copied')}` : result === 'failed' ? t('trackNext.copyFailed') : ''}
      </span>
    </span>
  );
}
