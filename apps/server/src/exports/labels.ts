import { chinaUtcOffsetMs } from '@paydesk/domain';

/** How records read to a shop owner and an accountant: Chinese labels, Beijing time. */
export const methodLabels: Record<string, string> = {
  wechatpay: '微信支付',
  alipay: '支付宝',
  unionpay: '云闪付',
  cash: '现金',
  card: '银行卡',
  member_balance: '会员余额',
};

export const flowLabels: Record<string, string> = {
  dynamic_code: '动态码',
  code_pay: '付款码',
  static_code: '收款码页面',
  cash: '现金',
  card: '刷卡',
};

export const statusLabels: Record<string, string> = {
  created: '待支付',
  pending: '处理中',
  succeeded: '已支付',
  failed: '失败',
  expired: '已过期',
  cancelled: '已取消',
};

/** An unknown key (a method added later) still shows something rather than an empty cell. */
export const labelOf = (labels: Record<string, string>, key: string): string => labels[key] ?? key;

/** epoch ms → "2026-11-28 10:00:00" in Asia/Shanghai. */
export function shanghaiTime(ms: number): string {
  return new Date(ms + chinaUtcOffsetMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** epoch ms → "2026-11-28" in Asia/Shanghai. */
export const shanghaiDate = (ms: number): string => shanghaiTime(ms).slice(0, 10);
