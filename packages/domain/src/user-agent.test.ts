import { describe, expect, it } from 'vitest';
import { detectWalletApp } from './user-agent.ts';

describe('detectWalletApp', () => {
  it.each([
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN',
      'wechat',
    ],
    [
      'Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/101.0.4951.74 Mobile Safari/537.36 AlipayChannelId/5136 NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:360|0|3.0) AliApp(AP/10.5.36.8100) AlipayClient/10.5.36.8100 Language/zh-Hans',
      'alipay',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 1017) (UnionPay/1.0 CloudPay)',
      'unionpay',
    ],
    ['Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 Mobile Safari/537.36 V1_AND_SQ_8.9.0_2790_YYB_D QQ/8.9.0.9440 NetType/WIFI', 'qq'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36', 'other'],
    ['', 'other'],
  ] as const)('%s → %s', (ua, app) => {
    expect(detectWalletApp(ua)).toBe(app);
  });

  it('handles a missing header', () => {
    expect(detectWalletApp(undefined)).toBe('other');
  });
});
