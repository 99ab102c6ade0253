/**
 * Collection-code (收款码) recogniser: the text of a QR code → which wallet made it and what kind of
 * code it is. Formats from payments.md §2; EMVCo from §5.
 *
 * Decisions where the reference leaves room:
 * - `normalized` is the text with surrounding whitespace removed (spaces, tabs, CR/LF, full-width
 *   spaces, BOM, no-break spaces); nothing inside is changed, since an EMVCo CRC covers the exact bytes.
 *   For text over 2048 characters it is '' (absurd content is never echoed back).
 * - Content flagged `too_long`, `dangerous_scheme` or `control_chars` is never classified: provider
 *   'unknown', kind null. A payment code has none of these, and hostile text should not look payable.
 * - Scheme and host compare case-insensitively (as URLs do); paths compare case-sensitively, except on
 *   qr.alipay.com, where the whole URL is case-insensitive (§2: an UPPERCASE variant exists).
 * - Hosts must match exactly: no look-alike suffixes, no trailing dot, no explicit port and no
 *   user-info (`https://qr.alipay.com@evil.cn/…` is evil.cn to a browser; with user-info even the real
 *   host is refused, as only phishing writes it). http and https are both accepted for wallet hosts
 *   (old printed codes), and for Paydesk codes (a self-hosted shop may serve plain http on its LAN).
 * - A known wallet host or scheme with a path that is not a known code format gives that provider with
 *   kind null (e.g. `https://qr.alipay.com/`).
 * - EMVCo (`000201…`) is provider 'unionpay' when it carries a UnionPay merchant account (primitive tag
 *   15 or 16, §5, or a template whose AID starts with UnionPay's RID A000000333), else 'emvco'; kind is
 *   static/dynamic from tag 01. An EMVCo code that does not decode is 'emvco', kind null, flagged
 *   `emv_invalid`, with the decoder's error in `emvError`.
 * - Empty input is 'unknown' with the flags `empty` and `not_a_payment_code`.
 */

import { hasControlChars } from '../validators/text.ts';
import { decodeEmv, type EmvError, type EmvPayload, isUnionPayAccount } from './emvco.ts';

export type CodeProvider = 'wechat' | 'alipay' | 'unionpay' | 'qq' | 'emvco' | 'paydesk' | 'url' | 'unknown';
export type CodeKind = 'personal' | 'merchant' | 'dynamic' | 'static';
export type CodeFlag = 'dangerous_scheme' | 'too_long' | 'control_chars' | 'not_a_payment_code' | 'empty' | 'emv_invalid';

export interface CodeRecognition {
  provider: CodeProvider;
  kind: CodeKind | null;
  flags: CodeFlag[];
  /** The decoded payload of an EMVCo code. */
  emv?: EmvPayload;
  /** Why an EMVCo-looking code (`000201…`) did not decode. */
  emvError?: EmvError;
  /** The id of a Paydesk store code (`/p/<id>`). */
  paydeskId?: string;
  normalized: string;
}

/** Above this, text is not a collection code (the longest real ones are a few hundred characters). */
export const MAX_CODE_TEXT = 2048;

const DANGEROUS_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob']);

/** Characters a URL parser or a sloppy consumer skips before the scheme. */
function isLeadingJunk(unit: number): boolean {
  return unit <= 0x20 || unit === 0x7f || unit === 0xa0 || unit === 0x3000 || unit === 0xfeff || (unit >= 0x2000 && unit <= 0x200b);
}

function isSchemeChar(unit: number): boolean {
  return (
    (unit >= 0x61 && unit <= 0x7a) ||
    (unit >= 0x41 && unit <= 0x5a) ||
    (unit >= 0x30 && unit <= 0x39) ||
    unit === 0x2b ||
    unit === 0x2d ||
    unit === 0x2e
  );
}

/**
 * The scheme a browser would see, lowercased, or null. Leading controls and spaces are skipped, and
 * tabs and newlines inside are ignored as the WHATWG URL parser does (`java\tscript:` is javascript:).
 * Linear and bounded: stops at the first character that cannot be in a scheme, or after 32.
 */
function browserScheme(text: string): string | null {
  let i = 0;
  while (i < text.length && isLeadingJunk(text.charCodeAt(i))) i++;
  let scheme = '';
  for (; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x09 || unit === 0x0a || unit === 0x0d) continue;
    if (unit === 0x3a) return scheme.length > 0 ? scheme.toLowerCase() : null;
    if (!isSchemeChar(unit) || scheme.length >= 32) return null;
    scheme += text[i];
  }
  return null;
}

function result(provider: CodeProvider, kind: CodeKind | null, normalized: string, flags: CodeFlag[] = []): CodeRecognition {
  return { provider, kind, flags, normalized };
}

const WECHAT_TOKEN = /^[0-9A-Za-z_-]+$/;

/** `wxp://` and `weixin://` codes (§2). Scheme and authority case-insensitive, path case-sensitive. */
function recogniseWechatScheme(text: string): CodeRecognition | null {
  const lower = text.slice(0, 9).toLowerCase();
  if (lower.startsWith('wxp://')) {
    const rest = text.slice(6);
    if (rest.startsWith('f2f0') && WECHAT_TOKEN.test(rest.slice(4))) return result('wechat', 'personal', text);
    return result('wechat', null, text);
  }
  if (lower.startsWith('weixin://')) {
    const rest = text.slice(9);
    const slash = rest.indexOf('/');
    const authority = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
    const pathAndQuery = slash < 0 ? '' : rest.slice(slash);
    if (authority === 'wxpay' && pathAndQuery.startsWith('/bizpayurl?')) {
      const params = new URLSearchParams(pathAndQuery.slice('/bizpayurl?'.length));
      if ((params.get('pr') ?? '') !== '') return result('wechat', 'dynamic', text);
    }
    return result('wechat', null, text);
  }
  return null;
}

const WECHAT_MERCHANT_PATHS = ['/qr/', '/materialqr/entry/', '/qrpay/order/'];
const PAYDESK_PATH = /^\/p\/([A-Za-z0-9_-]{16,64})$/;

/** The provider and kind of an http(s) URL on a wallet host, or null for any other host. */
function recogniseWalletUrl(url: URL, text: string): CodeRecognition | null {
  const host = url.hostname;
  const path = url.pathname;
  switch (host) {
    case 'wx.tenpay.com':
      // §2: WeChat personal, also `https://wx.tenpay.com/f2f?t=…`.
      return result('wechat', path === '/f2f' && (url.searchParams.get('t') ?? '') !== '' ? 'personal' : null, text);
    case 'payapp.weixin.qq.com':
    case 'payapp.wechatpay.cn':
      return result('wechat', WECHAT_MERCHANT_PATHS.some((p) => path.startsWith(p) && path.length > p.length) ? 'merchant' : null, text);
    case 'wxpay.tenpay.com':
      return result('wechat', path.startsWith('/md/') && path.length > 4 ? 'merchant' : null, text);
    case 'sjt.wxpapp.wechatpay.cn':
      return result('wechat', path.startsWith('/lnk/qr/') && path.length > 8 ? 'merchant' : null, text);
    case 'qr.alipay.com': {
      // §2: match case-insensitively; fkx personal, bax dynamic (precreate), other codes (stx, tsx…) merchant.
      const match = /^\/([A-Za-z0-9]+)$/.exec(path);
      if (!match?.[1]) return result('alipay', null, text);
      const code = match[1].toLowerCase();
      if (code.startsWith('fkx')) return result('alipay', code.length > 3 ? 'personal' : null, text);
      if (code.startsWith('bax')) return result('alipay', code.length > 3 ? 'dynamic' : null, text);
      return result('alipay', 'merchant', text);
    }
    case 'qr.95516.com':
      // §2: `https://qr.95516.com/<8-digit institution>/<digits>`.
      return result('unionpay', /^\/\d{8}\/\d+$/.test(path) ? 'merchant' : null, text);
    case 'i.qianbao.qq.com':
      return result('qq', path === '/wallet/sqrcode.htm' && url.search.length > 1 ? 'personal' : null, text);
    default:
      return null;
  }
}

function recogniseEmv(text: string): CodeRecognition {
  const decoded = decodeEmv(text);
  if (!decoded.ok) return { provider: 'emvco', kind: null, flags: ['emv_invalid'], emvError: decoded.error, normalized: text };
  const emv = decoded.value;
  const provider: CodeProvider = emv.merchantAccounts.some(isUnionPayAccount) ? 'unionpay' : 'emvco';
  return { provider, kind: emv.initiation, flags: [], emv, normalized: text };
}

/** Recognises the text read from a collection code (收款码). Never throws; cheap on any input size. */
export function recogniseCollectionCode(text: string): CodeRecognition {
  if (typeof text !== 'string') return result('unknown', null, '', ['empty', 'not_a_payment_code']);
  const dangerous = DANGEROUS_SCHEMES.has(browserScheme(text) ?? '');
  // Length first: nothing below runs a regular expression or a parser over megabytes.
  if (text.length > MAX_CODE_TEXT * 2 || text.trim().length > MAX_CODE_TEXT) {
    return result('unknown', null, '', dangerous ? ['dangerous_scheme', 'too_long'] : ['too_long']);
  }
  const normalized = text.trim();
  const flags: CodeFlag[] = [];
  if (dangerous) flags.push('dangerous_scheme');
  if (hasControlChars(normalized)) flags.push('control_chars');
  if (flags.length > 0) return result('unknown', null, normalized, flags);
  if (normalized.length === 0) return result('unknown', null, normalized, ['empty', 'not_a_payment_code']);

  // §2 / §5: EMVCo merchant-presented codes start with 00 02 01 (payload format "01").
  if (normalized.startsWith('000201')) return recogniseEmv(normalized);

  const wechat = recogniseWechatScheme(normalized);
  if (wechat) return wechat;

  const scheme = browserScheme(normalized);
  if (scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(normalized);
    } catch {
      return result('unknown', null, normalized, ['not_a_payment_code']);
    }
    // The raw authority, not url.username: the URL parser drops empty user-info ("http://:@host/").
    const userInfo = /^[a-z]+:\/\/[^/?#]*@/i.test(normalized);
    if (!userInfo && url.port === '') {
      const wallet = recogniseWalletUrl(url, normalized);
      if (wallet) return wallet;
    }
    const paydesk = PAYDESK_PATH.exec(url.pathname);
    if (paydesk?.[1] && !userInfo) {
      return { provider: 'paydesk', kind: 'static', flags: [], paydeskId: paydesk[1], normalized };
    }
    return result('url', null, normalized, ['not_a_payment_code']);
  }
  return result('unknown', null, normalized, ['not_a_payment_code']);
}
