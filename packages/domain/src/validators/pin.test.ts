import { describe, expect, it } from 'vitest';
import { checkPin } from './pin.ts';

describe('checkPin', () => {
  it.each(['2580', '1357', '8426', '0192', '1243', '1122', '123457', '43219', '102938', '000001'])('accepts %s', (pin) => {
    expect(checkPin(pin)).toBe('ok');
  });

  it('does not wrap runs around 9 and 0', () => {
    expect(checkPin('7890')).toBe('ok');
    expect(checkPin('9012')).toBe('ok');
    expect(checkPin('1098')).toBe('ok');
  });

  it.each(['', '1', '123', '1234567', '12a4', '１２３５', '12 34', ' 2580', '2580\n', '-258', '25.8', '٢٥٨٠'])(
    'rejects the format of %j',
    (pin) => {
      expect(checkPin(pin)).toBe('format');
    },
  );

  it.each(['0000', '1111', '9999', '77777', '000000', '555555'])('rejects the repeated digits %s', (pin) => {
    expect(checkPin(pin)).toBe('weak');
  });

  it.each(['0123', '1234', '6789', '12345', '56789', '123456', '456789', '012345'])('rejects the ascending run %s', (pin) => {
    expect(checkPin(pin)).toBe('weak');
  });

  it.each(['3210', '4321', '9876', '54321', '98765', '654321', '987654', '543210'])('rejects the descending run %s', (pin) => {
    expect(checkPin(pin)).toBe('weak');
  });

  it('treats only a single constant step of -1, 0 or +1 as weak', () => {
    expect(checkPin('1235')).toBe('ok');
    expect(checkPin('2468')).toBe('ok');
    expect(checkPin('1212')).toBe('ok');
    expect(checkPin('1233')).toBe('ok');
  });
});
