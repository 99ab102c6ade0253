import { describe, expect, it } from 'vitest';
import { checkMerchantNo, methodsForProvider } from './binding-rules.ts';

describe('merchant numbers', () => {
  it.each([
    ['wechatpay', '1900000109', true],
    ['wechatpay', ' 1230000109 ', true],
    ['wechatpay', '190000010', false],
    ['wechatpay', '19000001091', false],
    ['wechatpay', '19000001O9', false],
    ['alipay', '2088102146225135', true],
    ['alipay', '2087102146225135', false],
    ['alipay', '208810214622513', false],
    ['unionpay', '898340149000005', true],
    ['unionpay', '89834014900000', false],
    ['unionpay', '8983401490000051', false],
    ['all', '', true],
    ['all', 'SHOP-01', true],
    ['all', '<script>', false],
  ] as const)('%s %j → %s', (method, value, ok) => {
    expect(checkMerchantNo(method, value).ok).toBe(ok);
  });
});

describe('provider and method', () => {
  it('matches each wallet to its own method only', () => {
    expect(methodsForProvider('wechat')).toEqual(['wechatpay']);
    expect(methodsForProvider('alipay')).toEqual(['alipay']);
    expect(methodsForProvider('emvco')).toEqual(['unionpay']);
    expect(methodsForProvider('unionpay')).toEqual(['unionpay']);
    expect(methodsForProvider('paydesk')).toContain('all');
    expect(methodsForProvider('qq')).toEqual([]);
    expect(methodsForProvider('url')).toEqual([]);
  });
});
