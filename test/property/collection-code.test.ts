import { type CodeKind, type CodeProvider, decodeEmv, MAX_CODE_TEXT, recogniseCollectionCode } from '@paydesk/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emvCode } from './emv-arbitraries.ts';

const providers: CodeProvider[] = ['wechat', 'alipay', 'unionpay', 'qq', 'emvco', 'paydesk', 'url', 'unknown'];
const kinds: (CodeKind | null)[] = ['personal', 'merchant', 'dynamic', 'static', null];
const flags = ['dangerous_scheme', 'too_long', 'control_chars', 'not_a_payment_code', 'empty', 'emv_invalid'];

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));
const anyText = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  // Around the length limit, so both sides of it are reached.
  fc.tuple(fc.integer({ min: MAX_CODE_TEXT - 2, max: MAX_CODE_TEXT * 2 + 2 }), anyUnit).map(([n, c]) => `https://x/${c.repeat(n)}`),
);

const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);
const alnum = fc.stringMatching(/^[A-Za-z0-9]{1,24}$/);

interface WalletUrl {
  scheme: 'http' | 'https';
  host: string;
  path: string;
  provider: CodeProvider;
  kind: CodeKind;
}

/** Codes in every format payments.md §2 lists, as http(s) URLs on the wallets' hosts. */
const walletUrl: fc.Arbitrary<WalletUrl> = fc
  .tuple(
    fc.constantFrom('http' as const, 'https' as const),
    fc.oneof(
      token.map((t) => ({ host: 'wx.tenpay.com', path: `/f2f?t=${t}`, provider: 'wechat' as const, kind: 'personal' as const })),
      fc
        .tuple(
          fc.constantFrom('payapp.weixin.qq.com', 'payapp.wechatpay.cn'),
          fc.constantFrom('/qr/', '/materialqr/entry/', '/qrpay/order/'),
          token,
        )
        .map(([host, prefix, t]) => ({ host, path: `${prefix}${t}`, provider: 'wechat' as const, kind: 'merchant' as const })),
      token.map((t) => ({ host: 'wxpay.tenpay.com', path: `/md/${t}`, provider: 'wechat' as const, kind: 'merchant' as const })),
      token.map((t) => ({ host: 'sjt.wxpapp.wechatpay.cn', path: `/lnk/qr/${t}`, provider: 'wechat' as const, kind: 'merchant' as const })),
      fc
        .tuple(fc.constantFrom(['fkx', 'personal'] as const, ['bax', 'dynamic'] as const, ['stx', 'merchant'] as const), alnum)
        .map(([[prefix, kind], t]) => ({ host: 'qr.alipay.com', path: `/${prefix}${t}`, provider: 'alipay' as const, kind })),
      fc
        .tuple(fc.stringMatching(/^\d{8}$/), fc.stringMatching(/^\d{1,30}$/))
        .map(([inst, n]) => ({ host: 'qr.95516.com', path: `/${inst}/${n}`, provider: 'unionpay' as const, kind: 'merchant' as const })),
      token.map((t) => ({
        host: 'i.qianbao.qq.com',
        path: `/wallet/sqrcode.htm?u=${t}`,
        provider: 'qq' as const,
        kind: 'personal' as const,
      })),
    ),
  )
  .map(([scheme, rest]) => ({ scheme, ...rest }));

const urlOf = (w: WalletUrl) => `${w.scheme}://${w.host}${w.path}`;

function expectRecognised(text: string, provider: CodeProvider, kind: CodeKind | null): void {
  const r = recogniseCollectionCode(text);
  expect({ provider: r.provider, kind: r.kind }, text).toEqual({ provider, kind });
}

describe('collection-code recogniser: total over any text', () => {
  it('never throws and always answers in its own vocabulary, with the documented normal form', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = recogniseCollectionCode(text);
        expect(providers).toContain(r.provider);
        expect(kinds).toContain(r.kind);
        for (const flag of r.flags) expect(flags).toContain(flag);
        const tooLong = text.length > MAX_CODE_TEXT * 2 || text.trim().length > MAX_CODE_TEXT;
        expect(r.flags.includes('too_long')).toBe(tooLong);
        // Absurd content is never echoed back.
        expect(r.normalized).toBe(tooLong ? '' : text.trim());
        if (r.flags.some((f) => f === 'too_long' || f === 'dangerous_scheme' || f === 'control_chars')) {
          expect({ provider: r.provider, kind: r.kind }).toEqual({ provider: 'unknown', kind: null });
        }
        if (r.kind !== null) expect(['unknown', 'url']).not.toContain(r.provider);
        expect(r.emvError !== undefined).toBe(r.flags.includes('emv_invalid'));
      }),
      { numRuns: 3000 },
    );
    for (const notText of [undefined, null, 42, {}]) {
      expect(recogniseCollectionCode(notText as unknown as string)).toMatchObject({
        provider: 'unknown',
        flags: ['empty', 'not_a_payment_code'],
      });
    }
  });

  it('recognises every documented wallet format, whatever whitespace a scanner puts around it', () => {
    const space = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n', '\u3000', '\ufeff', '\u00a0'), maxLength: 4 });
    fc.assert(
      fc.property(walletUrl, space, space, (w, before, after) => {
        const url = urlOf(w);
        expectRecognised(`${before}${url}${after}`, w.provider, w.kind);
        expect(recogniseCollectionCode(`${before}${url}${after}`).normalized).toBe(url);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('collection-code recogniser: letter case', () => {
  it('compares scheme and host in any letter case', () => {
    const mixedOrigin = walletUrl.chain((w) => fc.tuple(fc.constant(w), fc.mixedCase(fc.constant(`${w.scheme}://${w.host}`))));
    fc.assert(
      fc.property(mixedOrigin, ([w, origin]) => {
        expectRecognised(`${origin}${w.path}`, w.provider, w.kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('takes a qr.alipay.com code in any letter case, the whole URL (§2: an uppercase variant exists)', () => {
    const alipay = walletUrl.filter((w) => w.provider === 'alipay');
    fc.assert(
      fc.property(
        alipay.chain((w) => fc.tuple(fc.constant(w), fc.mixedCase(fc.constant(urlOf(w))))),
        ([w, url]) => {
          expectRecognised(url, 'alipay', w.kind);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('compares other wallets’ paths case-sensitively: an uppercased path is that wallet, of no known kind', () => {
    const withLetters = walletUrl.filter((w) => w.provider !== 'alipay' && /[a-z]/.test(w.path.split(/[?]/)[0] ?? ''));
    fc.assert(
      fc.property(withLetters, (w) => {
        const [path = '', query] = w.path.split('?');
        expectRecognised(`${w.scheme}://${w.host}${path.toUpperCase()}${query === undefined ? '' : `?${query}`}`, w.provider, null);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the wxp:// scheme in any case but not the f2f0 path', () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.constant('wxp://')), token, (scheme, t) => {
        expectRecognised(`${scheme}f2f0${t}`, 'wechat', 'personal');
        expectRecognised(`${scheme}F2F0${t}`, 'wechat', null);
      }),
    );
  });
});

describe('collection-code recogniser: hostile content', () => {
  it('flags a dangerous scheme however it is disguised, and never classifies it', () => {
    const junk = fc.string({
      unit: fc.oneof(
        fc.integer({ min: 0, max: 0x20 }).map((c) => String.fromCharCode(c)),
        fc.constantFrom('\x7f', '\u00a0', '\u3000', '\ufeff', '\u2000', '\u200b'),
      ),
      maxLength: 4,
    });
    const scheme = fc
      .tuple(
        fc.mixedCase(fc.constantFrom('javascript', 'data', 'vbscript', 'file', 'blob')),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.constantFrom('\t', '\n', '\r'),
      )
      .map(([name, cuts, ws]) => {
        // Browsers drop tabs and newlines inside a scheme: `java\tscript:` is javascript:.
        let s = name;
        for (const cut of cuts) {
          const at = 1 + (cut % (s.length - 1));
          s = `${s.slice(0, at)}${ws}${s.slice(at)}`;
        }
        return s;
      });
    const payload = fc.oneof(
      walletUrl.map((w) => `//${w.host}${w.path}`),
      fc.string({ unit: anyUnit, maxLength: 60 }),
      fc.constant('alert(1)'),
    );
    fc.assert(
      fc.property(junk, scheme, payload, (before, s, rest) => {
        const r = recogniseCollectionCode(`${before}${s}:${rest}`);
        expect(r.flags).toContain('dangerous_scheme');
        expect({ provider: r.provider, kind: r.kind }).toEqual({ provider: 'unknown', kind: null });
      }),
      { numRuns: 2000 },
    );
  });

  it('flags control, bidi and separator characters and lone surrogates anywhere inside a code', () => {
    const control = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0x9f }),
      fc.constantFrom(0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069),
      fc.integer({ min: 0xd800, max: 0xdfff }),
    );
    fc.assert(
      fc.property(walletUrl, control, fc.nat(), (w, unit, pick) => {
        const url = urlOf(w);
        const at = 1 + (pick % (url.length - 1));
        const r = recogniseCollectionCode(`${url.slice(0, at)}${String.fromCharCode(unit)}${url.slice(at)}`);
        expect(r.flags).toContain('control_chars');
        expect({ provider: r.provider, kind: r.kind }).toEqual({ provider: 'unknown', kind: null });
      }),
      { numRuns: 2000 },
    );
  });

  it('never takes a look-alike host, an explicit port or user-info for the wallet', () => {
    const port = fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 80 && p !== 443);
    const disguise = fc.oneof(
      fc.constant((h: string) => `${h}.evil.cn`),
      fc.constant((h: string) => `x${h}`),
      fc.constant((h: string) => `${h}.`),
      fc.constant((h: string) => h.replace('.', '-')),
      fc.constant((h: string) => h.replace('a', 'а')), // Cyrillic а
      port.map((p) => (h: string) => `${h}:${p}`),
      fc.constantFrom('user@', 'user:pass@', ':pass@').map((u) => (h: string) => `${u}${h}`),
      fc.constant((h: string) => `${h}@evil.cn`),
    );
    fc.assert(
      fc.property(walletUrl, disguise, (w, hide) => {
        const host = hide(w.host);
        fc.pre(host !== w.host);
        const r = recogniseCollectionCode(`${w.scheme}://${host}${w.path}`);
        expect(r.provider, `${w.scheme}://${host}${w.path}`).toBe('url');
        expect(r.flags).toContain('not_a_payment_code');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('collection-code recogniser: EMVCo and Paydesk codes', () => {
  it('recognises every valid EMVCo code with its decoded payload, as UnionPay exactly when it carries a UnionPay account', () => {
    fc.assert(
      fc.property(emvCode, ({ code }) => {
        const decoded = decodeEmv(code);
        if (!decoded.ok) throw new Error(`its own code does not decode: ${code}`);
        const unionPay = decoded.value.merchantAccounts.some((a) =>
          a.kind === 'primitive' ? a.network === 'unionpay' : a.guid.toUpperCase().startsWith('A000000333'),
        );
        expect(recogniseCollectionCode(code)).toEqual({
          provider: unionPay ? 'unionpay' : 'emvco',
          kind: decoded.value.initiation,
          flags: [],
          emv: decoded.value,
          normalized: code,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reports an EMVCo-looking code that does not decode with the decoder’s own reason', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), maxLength: 80 }), (rest) => {
        const text = `000201${rest}`;
        const decoded = decodeEmv(text);
        fc.pre(!decoded.ok);
        expect(recogniseCollectionCode(text)).toEqual({
          provider: 'emvco',
          kind: null,
          flags: ['emv_invalid'],
          emvError: decoded.ok ? undefined : decoded.error,
          normalized: text,
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('recognises a Paydesk store code on any host, and not behind user-info', () => {
    const walletHosts = ['wx.tenpay.com', 'payapp.weixin.qq.com', 'payapp.wechatpay.cn', 'wxpay.tenpay.com', 'sjt.wxpapp.wechatpay.cn'];
    const host = fc.domain().filter((h) => ![...walletHosts, 'qr.alipay.com', 'qr.95516.com', 'i.qianbao.qq.com'].includes(h));
    fc.assert(
      fc.property(fc.constantFrom('http', 'https'), host, fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/), (scheme, h, id) => {
        expect(recogniseCollectionCode(`${scheme}://${h}/p/${id}`)).toMatchObject({ provider: 'paydesk', kind: 'static', paydeskId: id });
        expect(recogniseCollectionCode(`${scheme}://me@${h}/p/${id}`).provider).toBe('url');
      }),
      { numRuns: 500 },
    );
  });
});
