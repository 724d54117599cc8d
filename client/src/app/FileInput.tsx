import { useEffect, useRef, useState, type ChangeEvent, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A file input that speaks the page's language: the browser draws its own button and "no file chosen"
 * in the browser's language, not the page's (Chromium in English on a Chinese page). The native input
 * stays, transparent over a face drawn here, so a click or a drop anywhere on it, the keyboard, its
 * label, the form's `required` check and automation reach the real input unchanged.
 */
export function FileInput(props: Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'className'>) {
  const { t } = useTranslation();
  const [names, setNames] = useState<string[]>([]);
  const ref = useRef<HTMLInputElement>(null);
  // A form reset clears the input without a change event: the face follows.
  useEffect(() => {
    const form = ref.current?.form;
    if (!form) return;
    const clear = () => setNames([]);
    form.addEventListener('reset', clear);
    return () => form.removeEventListener('reset', clear);
  }, []);
  const { onChange } = props;
  const changed = (e: ChangeEvent<HTMLInputElement>) => {
    setNames([...(e.target.files ?? [])].map((f) => f.name));
    onChange?.(e);
  };
  return (
    <span className="file-input">
      <input {...props} ref={ref} type="file" className="file-input-native" onChange={changed} />
      <span className="file-input-face" aria-hidden="true">
        <span className="file-input-button">{t(props.multiple ? 'app.chooseFiles' : 'app.chooseFile')}</span>
        <span className="file-input-names">
          {names.length === 0 ? t('app.noFileChosen') : names.join(t('app.listSeparator'))}
        </span>
      </span>
    </span>
  );
}
