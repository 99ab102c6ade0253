import { Button, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/** The wallet's 6-digit payment password pad, as a phone shows it (any 6 digits do in the simulator). */
export function PasswordPad({
  value,
  onChange,
  onEnter,
  disabled,
}: {
  value: string;
  onChange: (v: string) => void;
  onEnter: () => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const press = (key: string) => {
    if (key === '⌫') onChange(value.slice(0, -1));
    else if (key !== '' && value.length < 6) onChange(value + key);
  };
  return (
    <div>
      <Input.Password
        autoFocus
        inputMode="numeric"
        autoComplete="off"
        maxLength={6}
        size="large"
        aria-label={t('sim.passwordLabel')}
        placeholder={t('sim.passwordPlaceholder')}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 6))}
        onPressEnter={onEnter}
        style={{ fontSize: 24, textAlign: 'center', letterSpacing: 8, marginBottom: 10 }}
        data-testid="sim-password-input"
      />
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 6 }}>
        {['1', '2', '3', '4', '5', '6', '7', '8', '9', '', '0', '⌫'].map((k, i) =>
          k === '' ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed layout; the blank cell has no key of its own
            <span key={i} />
          ) : (
            <Button key={k} size="large" style={{ height: 52, fontSize: 22 }} disabled={disabled} onClick={() => press(k)} tabIndex={-1}>
              {k}
            </Button>
          ),
        )}
      </div>
    </div>
  );
}
