export type WalletApp = 'wechat' | 'alipay' | 'unionpay' | 'qq' | 'other';

/**
 * Which app opened the shop's pay page, from its User-Agent (shared/reference/payments.md §2):
 * MicroMessenger = WeChat, AlipayClient = Alipay, CloudPay or UnionPay = UnionPay, QQ/ = QQ.
 * WeChat is checked first because its in-app browser may also carry "QQ/" in some builds.
 */
export function detectWalletApp(userAgent: string | undefined): WalletApp {
  const ua = userAgent ?? '';
  if (/MicroMessenger\//i.test(ua)) return 'wechat';
  if (/AlipayClient\//i.test(ua)) return 'alipay';
  if (/CloudPay|UnionPay/i.test(ua)) return 'unionpay';
  if (/\bQQ\//.test(ua)) return 'qq';
  return 'other';
}
