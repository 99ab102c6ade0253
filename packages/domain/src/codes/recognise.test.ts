import { describe, expect, it } from 'vitest';
import { type EmvInput, encodeEmv } from './emvco.ts';
import { type CodeKind, type CodeProvider, MAX_CODE_TEXT, recogniseCollectionCode } from './recognise.ts';

const PROMPTPAY = '00020101021129370016A000000677010111011300668012345675802TH530376463046197';
const PIX =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';

const UNIONPAY_EMV: EmvInput = {
  merchantAccounts: [{ tag: '15', value: '6227000100010001802110053110001' }],
  mcc: '5812',
  currency: '156',
  country: 'CN',
  merchantName: '老王牛肉面',
  merchantCity: '北京',
  alternateLanguage: { language: 'ZH', name: '老王牛肉面', city: '北京' },
};

const PAYDESK_ID = 'k3J9_xQ2-Lm8Np4R';

type Row = [string, CodeProvider, CodeKind | null];

function expectRecognised(text: string, provider: CodeProvider, kind: CodeKind | null): void {
  const result = recogniseCollectionCode(text);
  expect({ provider: result.provider, kind: result.kind }).toEqual({ provider, kind });
}

describe('recogniseCollectionCode: WeChat (payments.md §2)', () => {
  it.each<Row>([
    ['wxp://f2f0hO4Zx8Yt0aWwlhABCMx2bkA4GJmCPhe8', 'wechat', 'personal'],
    ['wxp://f2f0Pq7ZzNcRr1s-Tu_Vw', 'wechat', 'personal'],
    ['WXP://f2f0hO4Zx8Yt0aWwlhABCMx2bkA4GJmCPhe8', 'wechat', 'personal'],
    ['Wxp://f2f0hO4Zx8Yt0aWwlhABCMx2bkA4GJmCPhe8', 'wechat', 'personal'],
    ['https://wx.tenpay.com/f2f?t=AQAAABxs8OlkQTRzJ2Yz5Dn1U0I%3D', 'wechat', 'personal'],
    ['HTTPS://WX.TENPAY.COM/f2f?t=AQAAABxs8OlkQTRzJ2Yz5Dn1U0I%3D', 'wechat', 'personal'],
    ['http://wx.tenpay.com/f2f?t=AQAAAB', 'wechat', 'personal'],
    ['https://payapp.weixin.qq.com/qr/AQHkJz1mXbWp3Rr-zv2wXwYV?t=GAAA', 'wechat', 'merchant'],
    ['https://payapp.weixin.qq.com/materialqr/entry/home?qrcode_id=abc123', 'wechat', 'merchant'],
    ['https://payapp.weixin.qq.com/qrpay/order/home2?key=idc_CHNDVI_dHNl', 'wechat', 'merchant'],
    ['HTTPS://PAYAPP.WEIXIN.QQ.COM/qr/AQHkJz1mXbWp3Rr', 'wechat', 'merchant'],
    ['https://wxpay.tenpay.com/md/qrcode?code=ABCDEFG', 'wechat', 'merchant'],
    ['https://payapp.wechatpay.cn/qr/AQHkJz1mXbWp3Rr?t=GAAA', 'wechat', 'merchant'],
    ['https://payapp.wechatpay.cn/materialqr/entry/home?qrcode_id=abc123', 'wechat', 'merchant'],
    ['https://payapp.wechatpay.cn/qrpay/order/home2?key=abc', 'wechat', 'merchant'],
    ['https://sjt.wxpapp.wechatpay.cn/lnk/qr/aBcD1234', 'wechat', 'merchant'],
    ['weixin://wxpay/bizpayurl?pr=Q1rS2tU', 'wechat', 'dynamic'],
    ['WEIXIN://WXPAY/bizpayurl?pr=Q1rS2tU', 'wechat', 'dynamic'],
    ['weixin://wxpay/bizpayurl?pr=Q1rS2tU&extra=1', 'wechat', 'dynamic'],
  ])('%s → %s / %s', expectRecognised);

  it.each<Row>([
    ['wxp://f2f0', 'wechat', null],
    ['wxp://f2f0abc def', 'wechat', null],
    ['wxp://F2F0hO4Zx8Yt0aWwlhABC', 'wechat', null], // path is case-sensitive
    ['wxp://other', 'wechat', null],
    ['https://wx.tenpay.com/f2f', 'wechat', null],
    ['https://wx.tenpay.com/f2f?t=', 'wechat', null],
    ['https://wx.tenpay.com/F2F?t=AQ', 'wechat', null],
    ['https://payapp.weixin.qq.com/qr/', 'wechat', null],
    ['https://payapp.weixin.qq.com/other/page', 'wechat', null],
    ['https://wxpay.tenpay.com/md/', 'wechat', null],
    ['https://sjt.wxpapp.wechatpay.cn/lnk/other', 'wechat', null],
    ['weixin://wxpay/bizpayurl?pr=', 'wechat', null],
    ['weixin://wxpay/bizpayurl?sign=abc&appid=wx1', 'wechat', null],
    ['weixin://wxpay/BIZPAYURL?pr=abc', 'wechat', null],
    ['weixin://dl/business/?t=abc', 'wechat', null],
  ])('%s is WeChat of no known kind', expectRecognised);
});

describe('recogniseCollectionCode: Alipay (§2, case-insensitive)', () => {
  it.each<Row>([
    ['https://qr.alipay.com/fkx12345abcdefghijklm', 'alipay', 'personal'],
    ['https://qr.alipay.com/fkx15315nhfzdy5ywgaqhc7?t=1563000000000', 'alipay', 'personal'],
    ['HTTPS://QR.ALIPAY.COM/FKX12345ABCDEFGHIJKLM', 'alipay', 'personal'],
    ['Https://Qr.Alipay.Com/FkX12345abcdefghijklm', 'alipay', 'personal'],
    ['http://qr.alipay.com/fkx12345abcdefghijklm', 'alipay', 'personal'],
    ['https://qr.alipay.com/bax03456c0nbpjxqvdhh0039', 'alipay', 'dynamic'],
    ['HTTPS://QR.ALIPAY.COM/BAX03456C0NBPJXQVDHH0039', 'alipay', 'dynamic'],
    ['https://qr.alipay.com/stx07915ctrgfjqrjzoax2f', 'alipay', 'merchant'],
    ['https://qr.alipay.com/tsx12345abcdef', 'alipay', 'merchant'],
    ['HTTPS://QR.ALIPAY.COM/STX07915CTRGFJQRJZOAX2F', 'alipay', 'merchant'],
    ['https://qr.alipay.com:443/fkx12345abcdefghijklm', 'alipay', 'personal'], // the default port is no port
  ])('%s → %s / %s', expectRecognised);

  it.each<Row>([
    ['https://qr.alipay.com/', 'alipay', null],
    ['https://qr.alipay.com', 'alipay', null],
    ['https://qr.alipay.com/fkx', 'alipay', null],
    ['https://qr.alipay.com/bax', 'alipay', null],
    ['https://qr.alipay.com/fkx123/extra', 'alipay', null],
    ['https://qr.alipay.com/fkx-123', 'alipay', null],
  ])('%s is Alipay of no known kind', expectRecognised);
});

describe('recogniseCollectionCode: UnionPay and QQ Wallet (§2)', () => {
  it.each<Row>([
    ['https://qr.95516.com/00010000/01116734459843392426', 'unionpay', 'merchant'],
    ['https://qr.95516.com/48020000/62202203110000000012345', 'unionpay', 'merchant'],
    ['HTTPS://QR.95516.COM/00010000/0111673445984339', 'unionpay', 'merchant'],
    ['https://qr.95516.com/0001000/01116734459843392426', 'unionpay', null],
    ['https://qr.95516.com/000100001/01116734459843392426', 'unionpay', null],
    ['https://qr.95516.com/00010000/', 'unionpay', null],
    ['https://qr.95516.com/00010000/0111x', 'unionpay', null],
    ['https://qr.95516.com/', 'unionpay', null],
    ['https://i.qianbao.qq.com/wallet/sqrcode.htm?m=tenpay&a=1&u=10001&ac=CAEQ&n=%E8%80%81%E7%8E%8B&f=wallet', 'qq', 'personal'],
    ['HTTPS://I.QIANBAO.QQ.COM/wallet/sqrcode.htm?m=tenpay&a=1', 'qq', 'personal'],
    ['https://i.qianbao.qq.com/wallet/sqrcode.htm', 'qq', null],
    ['https://i.qianbao.qq.com/wallet/sqrcode.htm?', 'qq', null],
    ['https://i.qianbao.qq.com/other', 'qq', null],
  ])('%s → %s / %s', expectRecognised);
});

describe('recogniseCollectionCode: EMVCo (§5)', () => {
  it('recognises PIX and PromptPay as EMVCo static codes, with the decoded payload', () => {
    const pix = recogniseCollectionCode(PIX);
    expect(pix).toMatchObject({ provider: 'emvco', kind: 'static', flags: [], normalized: PIX });
    expect(pix.emv?.merchantName).toBe('Fulano de Tal');
    expect(recogniseCollectionCode(PROMPTPAY)).toMatchObject({ provider: 'emvco', kind: 'static', flags: [] });
  });

  it('calls an EMVCo code with a UnionPay account (tag 15) unionpay, static or dynamic from tag 01', () => {
    expect(recogniseCollectionCode(encodeEmv(UNIONPAY_EMV))).toMatchObject({ provider: 'unionpay', kind: 'static', flags: [] });
    const dynamic = recogniseCollectionCode(encodeEmv({ ...UNIONPAY_EMV, amount: '23.72' }));
    expect(dynamic).toMatchObject({ provider: 'unionpay', kind: 'dynamic' });
    expect(dynamic.emv?.amountFen).toBe(2372);
  });

  it('calls tag 16 and a template with UnionPay AID A000000333 unionpay too', () => {
    expect(recogniseCollectionCode(encodeEmv({ ...UNIONPAY_EMV, merchantAccounts: [{ tag: '16', value: '62270001' }] })).provider).toBe(
      'unionpay',
    );
    const aid = encodeEmv({
      ...UNIONPAY_EMV,
      merchantAccounts: [{ tag: '26', guid: 'A000000333010101', fields: [{ tag: '01', value: '1' }] }],
    });
    expect(recogniseCollectionCode(aid).provider).toBe('unionpay');
  });

  it('keeps a non-UnionPay EMVCo code as emvco', () => {
    const visa = encodeEmv({ ...UNIONPAY_EMV, merchantAccounts: [{ tag: '02', value: '4000123456789012' }] });
    expect(recogniseCollectionCode(visa)).toMatchObject({ provider: 'emvco', kind: 'static' });
  });

  it('flags an EMVCo code that does not decode, with the reason', () => {
    const broken = `${PIX.slice(0, -4)}0000`;
    const result = recogniseCollectionCode(broken);
    expect(result).toMatchObject({ provider: 'emvco', kind: null, flags: ['emv_invalid'], emvError: { reason: 'bad_crc' } });
    expect(result.emv).toBeUndefined();
    expect(recogniseCollectionCode('000201').emvError?.reason).toBe('missing_crc');
    expect(recogniseCollectionCode(PIX.slice(0, 40)).emvError?.reason).toBe('length_past_end');
  });

  it('trims the scanner newline before decoding, so the CRC still holds', () => {
    expect(recogniseCollectionCode(`${PIX}\r\n`)).toMatchObject({ provider: 'emvco', kind: 'static', normalized: PIX });
  });

  it('does not take text merely containing 000201 later on for EMVCo', () => {
    expect(recogniseCollectionCode(`x${PIX}`)).toMatchObject({ provider: 'unknown', flags: ['not_a_payment_code'] });
  });
});

describe('recogniseCollectionCode: Paydesk store codes', () => {
  it.each<[string, string]>([
    [`https://shop.example.cn/p/${PAYDESK_ID}`, PAYDESK_ID],
    [`http://192.168.1.10:8080/p/${PAYDESK_ID}`, PAYDESK_ID],
    [`https://pay.laowang.cn/p/${'a'.repeat(64)}`, 'a'.repeat(64)],
    [`https://pay.laowang.cn/p/${'A'.repeat(16)}`, 'A'.repeat(16)],
    [`https://pay.laowang.cn/p/${PAYDESK_ID}?from=card`, PAYDESK_ID],
    [`HTTPS://PAY.LAOWANG.CN/p/${PAYDESK_ID}`, PAYDESK_ID],
  ])('%s → paydesk static', (text, id) => {
    expect(recogniseCollectionCode(text)).toMatchObject({ provider: 'paydesk', kind: 'static', flags: [], paydeskId: id });
  });

  it.each([
    `https://shop.example.cn/p/${'a'.repeat(15)}`,
    `https://shop.example.cn/p/${'a'.repeat(65)}`,
    `https://shop.example.cn/p/${PAYDESK_ID}/`,
    `https://shop.example.cn/x/p/${PAYDESK_ID}`,
    `https://shop.example.cn/P/${PAYDESK_ID}`,
    `https://shop.example.cn/p/${PAYDESK_ID.slice(0, 15)}.`,
    `https://shop.example.cn/p/${PAYDESK_ID.slice(0, 15)}%20`,
    `https://user:pw@shop.example.cn/p/${PAYDESK_ID}`,
  ])('%s is an ordinary URL', (text) => {
    expect(recogniseCollectionCode(text)).toMatchObject({ provider: 'url', kind: null, flags: ['not_a_payment_code'] });
  });

  it('lets a wallet host win over the /p/ path', () => {
    expect(recogniseCollectionCode(`https://qr.alipay.com/p/${PAYDESK_ID}`).provider).toBe('alipay');
  });

  it('does not take a /p/ path on another scheme', () => {
    expect(recogniseCollectionCode(`ftp://shop.example.cn/p/${PAYDESK_ID}`).provider).toBe('unknown');
  });
});

describe('recogniseCollectionCode: look-alike hosts are not wallets', () => {
  it.each([
    'https://qr.alipay.com.evil.cn/fkx12345abcdefghijklm',
    'https://evil.cn/qr.alipay.com/fkx12345abcdefghijklm',
    'https://qr.alipay.com@evil.cn/fkx12345abcdefghijklm',
    'https://user@qr.alipay.com/fkx12345abcdefghijklm',
    'https://user:pass@qr.alipay.com/fkx12345abcdefghijklm',
    'http://:@wx.tenpay.com/f2f?t=ABCDEFGHIJKLMNOPQRSTUVWX',
    'https://@qr.alipay.com/fkx12345abcdefghijklm',
    'https://qr.alipay.com./fkx12345abcdefghijklm',
    'https://qr.alipay.com:8443/fkx12345abcdefghijklm',
    'http://qr.alipay.com:443/fkx12345abcdefghijklm',
    'https://qr.аlipay.com/fkx12345abcdefghijklm', // Cyrillic а
    'https://xqr.alipay.com/fkx12345abcdefghijklm',
    'https://qr-alipay.com/fkx12345abcdefghijklm',
    'https://alipay.com/fkx12345abcdefghijklm',
    'https://qr.alipay.cn/fkx12345abcdefghijklm',
    'https://evil.cn/?u=https://qr.alipay.com/fkx12345',
    'https://evil.cn/#https://qr.alipay.com/fkx12345',
    'https://payapp.weixin.qq.com.evil.cn/qr/AQHkJz1m',
    'https://evil-payapp.weixin.qq.com/qr/AQHkJz1m',
    'https://wx.tenpay.com.evil.cn/f2f?t=AQ',
    'https://qr.95516.com.cn/00010000/0111',
    'https://i.qianbao.qq.com.evil.cn/wallet/sqrcode.htm?m=1',
    'https://wxpay.tenpay.com.evil/md/abc',
  ])('%s → url / not a payment code', (text) => {
    expect(recogniseCollectionCode(text)).toMatchObject({ provider: 'url', kind: null, flags: ['not_a_payment_code'] });
  });

  it.each([
    'evil.cn/qr.alipay.com/fkx12345abcdefghijklm',
    'qr.alipay.com/fkx12345abcdefghijklm',
    '//qr.alipay.com/fkx12345abcdefghijklm',
    'ftp://qr.alipay.com/fkx12345abcdefghijklm',
    'alipays://platformapi/startapp?saId=10000007',
    'wxp//f2f0abc',
    'xwxp://f2f0abc',
  ])('%s → unknown', (text) => {
    expect(recogniseCollectionCode(text)).toMatchObject({ provider: 'unknown', kind: null, flags: ['not_a_payment_code'] });
  });
});

describe('recogniseCollectionCode: ordinary content', () => {
  it.each([
    ['https://www.example.com/', 'url'],
    ['http://example.com/menu?table=3', 'url'],
    ['https://mp.weixin.qq.com/s/abcdef', 'url'],
    ['https://www.alipay.com/', 'url'],
    ['hello world', 'unknown'],
    ['老王牛肉面', 'unknown'],
    ['134567890123456789', 'unknown'], // a customer payment code is not a collection code
    ['WIFI:S:shop;T:WPA;P:secret;;', 'unknown'],
    ['https://', 'unknown'], // does not parse as a URL
    ['http://[::1', 'unknown'],
  ])('%s → %s, not a payment code', (text, provider) => {
    expect(recogniseCollectionCode(text)).toMatchObject({ provider, kind: null, flags: ['not_a_payment_code'], normalized: text });
  });

  it.each(['', ' ', '\r\n', '\t \u3000 \uFEFF'])('flags the blank text %j as empty', (text) => {
    expect(recogniseCollectionCode(text)).toEqual({
      provider: 'unknown',
      kind: null,
      flags: ['empty', 'not_a_payment_code'],
      normalized: '',
    });
  });

  it('trims surrounding whitespace of every kind into normalized, changing nothing inside', () => {
    const alipay = 'HTTPS://QR.ALIPAY.COM/FKX12345ABCDEFGHIJKLM';
    for (const pad of [' ', '\n', '\r\n', '\t', '\u3000', '\uFEFF', '\u00A0']) {
      const result = recogniseCollectionCode(`${pad}${alipay}${pad}`);
      expect(result).toMatchObject({ provider: 'alipay', kind: 'personal', flags: [], normalized: alipay });
    }
  });

  it('refuses a non-string without throwing', () => {
    expect(recogniseCollectionCode(undefined as unknown as string)).toMatchObject({ provider: 'unknown', kind: null });
  });
});

describe('recogniseCollectionCode: dangerous schemes', () => {
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'JAVASCRIPT:alert(document.cookie)',
    '  javascript:alert(1)',
    '\u0000javascript:alert(1)',
    '\u0001\u0002 javascript:alert(1)',
    '\t\njavascript:alert(1)',
    '\u3000javascript:alert(1)',
    '\uFEFFjavascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'jav\r\nascript:alert(1)',
    'javascript\t:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'DATA:text/html,<script>alert(1)</script>',
    'data:image/png;base64,iVBORw0KGgo=',
    'vbscript:msgbox("x")',
    'VBScript:msgbox("x")',
    'file:///etc/passwd',
    'FILE://C:/Windows/win.ini',
    'blob:https://evil.cn/550e8400-e29b-41d4-a716-446655440000',
    'Blob:null/1',
  ])('%j is flagged and not classified', (text) => {
    const result = recogniseCollectionCode(text);
    expect(result.provider).toBe('unknown');
    expect(result.kind).toBeNull();
    expect(result.flags).toContain('dangerous_scheme');
    expect(result.flags).not.toContain('not_a_payment_code');
  });

  it.each([
    'javascripts:alert(1)',
    'myjavascript:alert(1)',
    'https://example.com/javascript:alert(1)',
    'https://example.com/?next=data:text/html,x',
    'j avascript:alert(1)',
  ])('%j is not a dangerous scheme', (text) => {
    expect(recogniseCollectionCode(text).flags).not.toContain('dangerous_scheme');
  });
});

describe('recogniseCollectionCode: control characters', () => {
  it.each([
    'https://qr.alipay.com/fkx12345abc\u0000def',
    'https://qr.alipay.com/fkx12345abc\u001bdef',
    'wxp://f2f0abc\ndef',
    'wxp://f2f0abc\tdef',
    'https://qr.alipay.com/fkx12345abc\u007f',
    'https://qr.alipay.com/fkx12345abc\u0085',
    'https://qr.alipay.com/\u202Efkx12345abc',
    'https://qr.alipay.com/fkx\u2066abc',
    'https://qr.alipay.com/fkx123\u202845abc',
    '\u0000https://qr.alipay.com/fkx12345abc',
    `${PIX.slice(0, 20)}\u0000${PIX.slice(20)}`,
  ])('%j is flagged and not classified', (text) => {
    expect(recogniseCollectionCode(text)).toMatchObject({ provider: 'unknown', kind: null, flags: ['control_chars'] });
  });

  it('does not treat the scanner CR/LF around a code as control characters', () => {
    expect(recogniseCollectionCode('\r\nwxp://f2f0hO4Zx8Yt0aWwlhABCMx2bkA4GJmCPhe8\r\n').flags).toEqual([]);
  });

  it('flags both a dangerous scheme and embedded controls', () => {
    expect(recogniseCollectionCode('javascript:alert(1)\u0000').flags).toEqual(['dangerous_scheme', 'control_chars']);
  });
});

describe('recogniseCollectionCode: absurd lengths', () => {
  it('accepts 2048 characters and flags 2049, echoing nothing back', () => {
    const at = (n: number): string => `https://example.com/${'a'.repeat(n - 20)}`;
    expect(at(MAX_CODE_TEXT).length).toBe(2048);
    expect(recogniseCollectionCode(at(MAX_CODE_TEXT)).flags).toEqual(['not_a_payment_code']);
    expect(recogniseCollectionCode(at(MAX_CODE_TEXT + 1))).toEqual({
      provider: 'unknown',
      kind: null,
      flags: ['too_long'],
      normalized: '',
    });
  });

  it('measures after trimming: 2048 characters with padding around are fine', () => {
    const text = `${' '.repeat(1500)}https://example.com/${'a'.repeat(2028)}${'\n'.repeat(500)}`;
    expect(recogniseCollectionCode(text).flags).toEqual(['not_a_payment_code']);
  });

  it('handles 100 KB inputs of every shape quickly', () => {
    const inputs = [
      'a'.repeat(100_000),
      `https://qr.alipay.com/fkx${'a'.repeat(100_000)}`,
      `000201${'0'.repeat(100_000)}`,
      `wxp://f2f0${'a'.repeat(100_000)}`,
      ' '.repeat(100_000),
      `${'\t'.repeat(100_000)}x`,
      '老'.repeat(100_000),
      `https://${'a.'.repeat(50_000)}com/`,
    ];
    const start = performance.now();
    for (const text of inputs) {
      expect(recogniseCollectionCode(text)).toMatchObject({ provider: 'unknown', kind: null, flags: ['too_long'], normalized: '' });
    }
    // Catastrophic backtracking would take minutes; the bound is loose so a busy machine never trips it.
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('still flags a dangerous scheme on a huge input, even after 100 KB of padding', () => {
    expect(recogniseCollectionCode(`data:image/png;base64,${'A'.repeat(100_000)}`).flags).toEqual(['dangerous_scheme', 'too_long']);
    const start = performance.now();
    expect(recogniseCollectionCode(`${' '.repeat(100_000)}javascript:alert(1)`).flags).toEqual(['dangerous_scheme', 'too_long']);
    expect(recogniseCollectionCode(`java${'\t'.repeat(100_000)}script:alert(1)`).flags).toEqual(['dangerous_scheme', 'too_long']);
    // Catastrophic backtracking would take minutes; the bound is loose so a busy machine never trips it.
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('handles regex-hostile near-limit input quickly', () => {
    const inputs = [
      `https://qr.alipay.com/${'a'.repeat(2000)}!`,
      `https://qr.95516.com/${'1'.repeat(2000)}x`,
      `https://x.cn/p/${'-'.repeat(2000)}`,
      `weixin://wxpay/bizpayurl?${'pr=&'.repeat(500)}`,
    ];
    const start = performance.now();
    for (const text of inputs) recogniseCollectionCode(text);
    // Catastrophic backtracking would take minutes; the bound is loose so a busy machine never trips it.
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
