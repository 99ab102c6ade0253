import type { ErrorCode } from './errors.ts';

export type BindingMethod = 'wechatpay' | 'alipay' | 'unionpay' | 'all';
export const bindingMethods: readonly BindingMethod[] = ['wechatpay', 'alipay', 'unionpay', 'all'];

/**
 * Merchant numbers as each wallet issues them: WeChat Pay mchid 10 digits, Alipay PID 16 digits
 * starting 2088, UnionPay 15 digits. "All wallets" (the shop's own aggregated code) has no single
 * number; the shop may note its own reference.
 */
export function checkMerchantNo(method: BindingMethod, input: string): { ok: true; value: string } | { ok: false; code: ErrorCode } {
  const value = input.trim();
  const ok =
    method === 'wechatpay'
      ? /^\d{10}$/.test(value)
      : method === 'alipay'
        ? /^2088\d{12}$/.test(value)
        : method === 'unionpay'
          ? /^\d{15}$/.test(value)
          : /^[0-9A-Za-z_-]{0,32}$/.test(value);
  return ok ? { ok: true, value } : { ok: false, code: 'MERCHANT_NO_INVALID' };
}

/** Which payment methods a code of this provider can stand for; the aggregated Paydesk code takes any. */
export function methodsForProvider(provider: string): readonly BindingMethod[] {
  switch (provider) {
    case 'wechat':
      return ['wechatpay'];
    case 'alipay':
      return ['alipay'];
    case 'unionpay':
    case 'emvco':
      return ['unionpay'];
    case 'paydesk':
      return bindingMethods;
    default:
      return [];
  }
}
