export type PinCheck = 'ok' | 'format' | 'weak';

/**
 * Staff PIN for switching cashier at a station: 4–6 ASCII digits. Repeated digits and straight
 * runs (1234, 654321) are the most guessed PINs, so they are refused. Runs do not wrap (7890 is allowed).
 */
export function checkPin(pin: string): PinCheck {
  if (!/^\d{4,6}$/.test(pin)) return 'format';
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add(pin.charCodeAt(i) - pin.charCodeAt(i - 1));
  const [step] = steps;
  if (steps.size === 1 && (step === 0 || step === 1 || step === -1)) return 'weak';
  return 'ok';
}
