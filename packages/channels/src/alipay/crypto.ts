import { type KeyObject, sign, verify } from 'node:crypto';
import type { AlipayAnswer } from './protocol.ts';

/**
 * RSA2 (SHA256withRSA) as the Alipay open platform signs: the `key=value` pairs sorted by key, joined
 * by `&`, empty values left out, Base64 signature. Requests leave out `sign`; notifications and the wap
 * return leave out `sign` and `sign_type`. Responses are different: the signature covers the exact text
 * of the `*_response` node as the gateway sent it (with `/` escaped as `\/`), so it is taken from the raw
 * body and never from JSON parsed and serialised again (payments.md §8).
 */
export type AlipayParams = Record<string, string | undefined>;
type Key = KeyObject | string;

const requestOmits = ['sign'];
const notificationOmits = ['sign', 'sign_type'];

export function signingText(params: AlipayParams, omit: readonly string[]): string {
  return Object.keys(params)
    .filter((k) => !omit.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function rsa2Sign(text: string, privateKey: Key): string {
  return sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('base64');
}

export function rsa2Verify(text: string, signature: string | undefined, publicKey: Key): boolean {
  if (!signature) return false;
  try {
    return verify('sha256', Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The `sign` value of a gateway request (every other parameter, `sign_type` included, is signed). */
export function signRequest(params: AlipayParams, privateKey: Key): string {
  return rsa2Sign(signingText(params, requestOmits), privateKey);
}

export function verifyRequest(params: AlipayParams, publicKey: Key): boolean {
  return rsa2Verify(signingText(params, requestOmits), params.sign, publicKey);
}

/** The `sign` value of an asynchronous notification or a wap return (`sign_type` is not signed). */
export function signNotification(fields: AlipayParams, privateKey: Key): string {
  return rsa2Sign(signingText(fields, notificationOmits), privateKey);
}

export function verifyNotification(fields: AlipayParams, publicKey: Key): boolean {
  return rsa2Verify(signingText(fields, notificationOmits), fields.sign, publicKey);
}

/** "alipay.trade.query" → "alipay_trade_query_response", the node that carries the answer. */
export function responseKeyOf(method: string): string {
  return `${method.replaceAll('.', '_')}_response`;
}

/** JSON as the gateway writes it: `/` escaped as `\/`, which is why responses are verified on raw text. */
export function alipayJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('/', '\\/');
}

/** A gateway response body: the answer node, then its signature over the node's exact text (none if no key). */
export function signedResponseBody(method: string, answer: AlipayAnswer, privateKey: Key | null, errorNode = false): string {
  const nodeText = alipayJson(answer);
  const key = errorNode ? 'error_response' : responseKeyOf(method);
  if (!privateKey) return `{"${key}":${nodeText}}`;
  return `{"${key}":${nodeText},"sign":"${rsa2Sign(nodeText, privateKey)}"}`;
}

export type ResponseCheck =
  | { verdict: 'verified'; answer: AlipayAnswer }
  | { verdict: 'unsigned'; answer: AlipayAnswer }
  | { verdict: 'bad_signature'; answer: AlipayAnswer }
  | { verdict: 'malformed' };

/**
 * Reads a gateway response: finds the method's `*_response` node (or `error_response`) in the raw body,
 * verifies the signature over that exact text, and parses the same text it verified.
 */
export function verifyResponse(rawBody: string, method: string, alipayPublicKey: Key): ResponseCheck {
  const members = topLevelMembers(rawBody);
  const nodeText = members?.get(responseKeyOf(method)) ?? members?.get('error_response');
  if (!members || nodeText === undefined) return { verdict: 'malformed' };
  let answer: AlipayAnswer;
  let signature: unknown;
  try {
    answer = JSON.parse(nodeText) as AlipayAnswer;
    signature = members.has('sign') ? JSON.parse(members.get('sign') as string) : undefined;
  } catch {
    return { verdict: 'malformed' };
  }
  if (typeof answer !== 'object' || answer === null || typeof answer.code !== 'string') return { verdict: 'malformed' };
  if (typeof signature !== 'string' || signature === '') return { verdict: 'unsigned', answer };
  return rsa2Verify(nodeText, signature, alipayPublicKey) ? { verdict: 'verified', answer } : { verdict: 'bad_signature', answer };
}

const whitespace = ' \t\n\r';

function skipWhitespace(s: string, i: number): number {
  let j = i;
  while (j < s.length && whitespace.includes(s.charAt(j))) j += 1;
  return j;
}

/** Index just past the string that opens at `i`, or -1. */
function endOfString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j += 1) {
    if (s[j] === '\\') j += 1;
    else if (s[j] === '"') return j + 1;
  }
  return -1;
}

/** Index just past the JSON value that starts at `i`, or -1. */
function endOfValue(s: string, i: number): number {
  const first = s[i];
  if (first === '"') return endOfString(s, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let j = i; j < s.length; j += 1) {
      const c = s[j];
      if (c === '"') {
        const end = endOfString(s, j);
        if (end < 0) return -1;
        j = end - 1;
      } else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') {
        depth -= 1;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < s.length && !`,}]${whitespace}`.includes(s.charAt(j))) j += 1;
  return j > i ? j : -1;
}

function parseKey(text: string): string | null {
  try {
    return JSON.parse(text) as string;
  } catch {
    return null;
  }
}

/**
 * The members of a top-level JSON object, each value as its exact source text. A body that is not one
 * object, or that names a member twice (which one would a parser pick?), is refused with null.
 */
export function topLevelMembers(raw: string): Map<string, string> | null {
  const members = new Map<string, string>();
  let i = skipWhitespace(raw, 0);
  if (raw[i] !== '{') return null;
  i = skipWhitespace(raw, i + 1);
  if (raw[i] === '}') return skipWhitespace(raw, i + 1) === raw.length ? members : null;
  for (;;) {
    if (raw[i] !== '"') return null;
    const keyEnd = endOfString(raw, i);
    if (keyEnd < 0) return null;
    const key = parseKey(raw.slice(i, keyEnd));
    if (key === null) return null;
    i = skipWhitespace(raw, keyEnd);
    if (raw[i] !== ':') return null;
    i = skipWhitespace(raw, i + 1);
    const valueEnd = endOfValue(raw, i);
    if (valueEnd < 0 || members.has(key)) return null;
    members.set(key, raw.slice(i, valueEnd));
    i = skipWhitespace(raw, valueEnd);
    if (raw[i] === ',') i = skipWhitespace(raw, i + 1);
    else if (raw[i] === '}') return skipWhitespace(raw, i + 1) === raw.length ? members : null;
    else return null;
  }
}
