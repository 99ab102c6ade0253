import { classifyPaymentCode } from '@paydesk/domain';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dialogOpen, isEditable } from '../../components/payments/util.ts';

/**
 * The field a keyboard-wedge scanner types into. It is uncontrolled (React never rewrites its value,
 * so a burst of 18–24 keystrokes in under 50 ms cannot lose a character), read once on Enter, and
 * takes the focus back whenever it loses it to something that is not another text field.
 */
export function ScanField({
  onScan,
  onEmptyKey,
}: {
  /** The text typed before Enter (or Tab), trimmed of the scanner's CR/LF and spaces. */
  onScan: (text: string) => void;
  /** Backspace or Escape in the empty field: the cashier correcting the amount. */
  onEmptyKey: (key: 'Backspace' | 'Escape') => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLInputElement>(null);
  const [hint, setHint] = useState('');

  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    const refocus = () => {
      const active = document.activeElement;
      if (active === input || isEditable(active)) return;
      // An open dialog keeps its own focus.
      if (dialogOpen()) return;
      input.focus({ preventScroll: true });
    };
    input.focus({ preventScroll: true });
    const onClick = (e: MouseEvent) => {
      if (!isEditable(e.target)) setTimeout(refocus, 0);
    };
    document.addEventListener('click', onClick);
    window.addEventListener('focus', refocus);
    // A safety net for focus lost without a click (a closed popup, a removed button).
    const timer = setInterval(refocus, 700);
    return () => {
      document.removeEventListener('click', onClick);
      window.removeEventListener('focus', refocus);
      clearInterval(timer);
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      const text = input.value.replace(/[\r\n\t\u3000\uFEFF]/g, '').trim();
      input.value = '';
      setHint('');
      if (text) onScan(text);
      return;
    }
    if ((e.key === 'Backspace' || e.key === 'Escape') && input.value === '') {
      e.preventDefault();
      onEmptyKey(e.key);
    }
  };

  const onInput = () => {
    const value = ref.current?.value.trim() ?? '';
    if (value.length < 16) {
      setHint(value ? t('cashier.scanTyping') : '');
      return;
    }
    const c = classifyPaymentCode(value);
    setHint(c.wallet === 'unsupported' ? t('cashier.scanUnknown') : t(`cashier.scanWallet.${c.wallet}`));
  };

  return (
    <div>
      <input
        ref={ref}
        // biome-ignore lint/a11y/noAutofocus: the scanner types into this field; it must hold the focus
        autoFocus
        inputMode="none"
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        spellCheck={false}
        enterKeyHint="go"
        aria-label={t('cashier.scanLabel')}
        placeholder={t('cashier.scanPlaceholder')}
        onKeyDown={onKeyDown}
        onInput={onInput}
        onBlur={(e) => {
          if (isEditable(e.relatedTarget)) return;
          const input = e.currentTarget;
          setTimeout(() => {
            if (!isEditable(document.activeElement) && !dialogOpen()) input.focus({ preventScroll: true });
          }, 0);
        }}
        data-testid="scan-input"
        className="paydesk-scan-input"
        style={{
          width: '100%',
          height: 64,
          fontSize: 26,
          padding: '0 16px',
          border: '2px solid #1677ff',
          borderRadius: 10,
          outline: 'none',
          letterSpacing: 1,
          boxShadow: '0 0 0 4px rgba(22,119,255,0.15)',
          fontVariantNumeric: 'tabular-nums',
        }}
      />
      <div style={{ minHeight: 24, marginTop: 6, color: '#595959', fontSize: 15 }} data-testid="scan-hint">
        {hint}
      </div>
    </div>
  );
}
