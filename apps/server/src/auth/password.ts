import { hash, verify } from '@node-rs/argon2';
import { checkPasswordShape, DomainError } from '@paydesk/domain';
import { dictionary } from '@zxcvbn-ts/language-common';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (~35 ms here).
// algorithm 2 is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

// The zxcvbn-ts common-password list (passwords most frequent in real breaches) plus patterns that
// Chinese users favour and that list misses.
const common = new Set<string>(dictionary.passwords as string[]);
const localCommon = ['woaini1314', 'woaini520', 'a123456789', 'qwertyuiop', 'zxcvbnm123', '1q2w3e4r5t', 'aa123456789'];
for (const p of localCommon) common.add(p);

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (common.has(lower)) return true;
  // "password12345" style: a common word with digits or symbols stuck on either end.
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (core.length >= 4 && core !== lower && common.has(core)) return true;
  // One character repeated, or a straight digit run like 1234567890.
  if (/^(.)\1+$/.test(lower)) return true;
  return '01234567890123456789'.includes(lower) || '98765432109876543210'.includes(lower);
}

/** Throws the specific reason a password is refused. */
export function assertAcceptablePassword(password: string): void {
  const shape = checkPasswordShape(password);
  if (shape === 'too_short') throw new DomainError('PASSWORD_TOO_SHORT', [{ field: 'password', code: 'PASSWORD_TOO_SHORT' }]);
  if (shape === 'too_long') throw new DomainError('PASSWORD_TOO_LONG', [{ field: 'password', code: 'PASSWORD_TOO_LONG' }]);
  if (shape === 'control_chars') throw new DomainError('TEXT_INVALID', [{ field: 'password', code: 'TEXT_INVALID' }]);
  if (isCommonPassword(password)) throw new DomainError('PASSWORD_COMMON', [{ field: 'password', code: 'PASSWORD_COMMON' }]);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Verifying against this when no account matches keeps the timing the same, so timing reveals no account. */
export const dummyHash = await hash('paydesk-no-such-account', options);
