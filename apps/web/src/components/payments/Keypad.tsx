import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { KeypadKey } from './util.ts';

const rows: KeypadKey[][] = [
  ['7', '8', '9', '⌫'],
  ['4', '5', '6', 'C'],
  ['1', '2', '3', '00'],
  ['0', '.'],
];

/**
 * The on-screen amount keypad. Its buttons never take the focus, so a focused scan field keeps
 * receiving the scanner's keystrokes while the cashier taps the amount.
 */
export function Keypad({ onPress, disabled }: { onPress: (key: KeypadKey) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const label = (k: KeypadKey) => (k === '⌫' ? t('cashier.keyBack') : k === 'C' ? t('cashier.keyClear') : k);
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', gap: 8 }} data-testid="keypad">
      {rows.flat().map((k) => (
        <Button
          key={k}
          size="large"
          disabled={disabled}
          tabIndex={-1}
          aria-label={label(k)}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPress(k)}
          danger={k === 'C'}
          style={{
            height: 64,
            fontSize: k === '⌫' || k === 'C' ? 20 : 26,
            fontWeight: 600,
            gridColumn: k === '0' ? 'span 2' : k === '.' ? 'span 2' : undefined,
          }}
          data-testid={`key-${k === '.' ? 'dot' : k === '⌫' ? 'back' : k}`}
        >
          {k}
        </Button>
      ))}
    </div>
  );
}
