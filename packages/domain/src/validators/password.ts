import { codePointLength, hasControlChars } from './text.ts';

export type PasswordShape = 'ok' | 'too_short' | 'too_long' | 'control_chars';

/** NIST SP 800-63B: favour length over composition rules; the upper bound only caps hashing cost. */
const MIN_LENGTH = 10;
const MAX_LENGTH = 128;

/**
 * Shape only: spaces and any script are allowed, nothing is trimmed or normalised here.
 * Whether the password is too common is checked elsewhere.
 */
export function checkPasswordShape(pw: string): PasswordShape {
  if (hasControlChars(pw)) return 'control_chars';
  const length = codePointLength(pw);
  if (length < MIN_LENGTH) return 'too_short';
  if (length > MAX_LENGTH) return 'too_long';
  return 'ok';
}
