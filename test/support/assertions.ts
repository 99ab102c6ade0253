import { type ErrorCode, errorCatalogue } from '@paydesk/domain';
import { expect } from 'vitest';
import type { Res } from './http-client.ts';

/** The one error shape, with the catalogue's status and the message in the language asked for. */
export function expectError(res: Res, code: ErrorCode, lang: 'zh' | 'en' = 'zh'): void {
  expect({ status: res.status, code: res.body?.error?.code }, res.text).toEqual({ status: errorCatalogue[code].status, code });
  expect(res.body.error.message).toBe(errorCatalogue[code][lang]);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
}

/** A field-level issue in the error, with its message in the same language. */
export function expectFieldIssue(res: Res, field: string, code: ErrorCode, lang: 'zh' | 'en' = 'zh'): void {
  expect(res.body.error.fields, res.text).toContainEqual({ field, code, message: errorCatalogue[code][lang] });
}

/** A six-digit code other than the right one. */
export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** Parses one Set-Cookie header into its value and lower-cased attributes. */
export function parseSetCookie(res: Res, name = 'pd_session'): { value: string; attrs: Record<string, string | true> } | undefined {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const line = all.find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair = '', ...rest] = line.split(';');
  const attrs: Record<string, string | true> = {};
  for (const part of rest) {
    const [k = '', ...v] = part.trim().split('=');
    attrs[k.toLowerCase()] = v.length > 0 ? v.join('=') : true;
  }
  return { value: pair.slice(name.length + 1), attrs };
}
