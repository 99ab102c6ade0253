import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function sixDigitCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * One-time codes have only a million values, so a plain hash would be reversed instantly from a stolen
 * database; an HMAC keyed with the server secret is not.
 */
export function hashCode(key: Buffer, purpose: string, target: string, code: string): string {
  return createHmac('sha256', key).update(`otp\0${purpose}\0${target}\0${code}`).digest('hex');
}

export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
