import { Button, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/** A PIN field plus an on-screen keypad for touch screens at the counter. */
export function PinPad(props: { value: string; onChange: (v: string) => void; onEnter: () => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const press = (key: string) => {
    if (key === 'C') props.onChange('');
    else if (key === '⌫') props.onChange(props.value.slice(0, -1));
    else if (props.value.length < 6) props.onChange(props.value + key);
  };
  return (
    <div>
      <Input.Password
        autoFocus
        inputMode="numeric"
        pattern="[0-9]*"
        autoComplete="off"
        maxLength={6}
        size="large"
        aria-label={t('station.pin')}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value.replace(/\D/g, '').slice(0, 6))}
        onPressEnter={props.onEnter}
        style={{ fontSize: 24, textAlign: 'center', marginBottom: 12 }}
        data-testid="pin-input"
      />
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 8 }}>
        {['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', '⌫'].map((k) => (
          <Button
            key={k}
            size="large"
            style={{ height: 56, fontSize: 22 }}
            disabled={props.disabled}
            onClick={() => press(k)}
            tabIndex={-1}
          >
            {k}
          </Button>
        ))}
      </div>
    </div>
  );
}
