/**
 * Words of the Alipay open platform protocol (payments.md §4) shared by the adapter and the local gateway.
 */
export const alipayGatewayUrl = 'https://openapi.alipay.com/gateway.do';

/** One answer node: `{"code":"10000","msg":"Success",…}`; amounts in it are yuan strings with two decimals. */
export interface AlipayAnswer {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  [field: string]: unknown;
}

export type AlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_CLOSED' | 'TRADE_SUCCESS' | 'TRADE_FINISHED';

/** The gateway's answer codes. */
export const answerCodes = {
  success: '10000',
  /** alipay.trade.pay: the buyer is entering the password; query until there is a result. */
  waitingForBuyer: '10003',
  /** The outcome is not known: query, never treat as failed. */
  unavailable: '20000',
  missingArgument: '40001',
  invalidArgument: '40002',
  businessFailed: '40004',
  noPermission: '40006',
} as const;

export const answerMessages: Record<string, string> = {
  '10000': 'Success',
  // Sic: the gateway's own text for 10003 starts with a space.
  '10003': ' order success pay inprocess',
  '20000': 'Service Currently Unavailable',
  '40001': 'Missing Required Arguments',
  '40002': 'Invalid Arguments',
  '40004': 'Business Failed',
  '40006': 'Insufficient Permissions',
};

/** What a cashier reads when Alipay refuses, in plain Chinese, by sub_code. */
export const alipayFailReasons: Record<string, string> = {
  'ACQ.BUYER_BALANCE_NOT_ENOUGH': '顾客支付宝余额不足，请顾客换一种付款方式',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH': '顾客银行卡余额不足，请顾客换一张卡',
  'ACQ.PAYMENT_AUTH_CODE_INVALID': '付款码无效或已使用，请让顾客刷新付款码',
  'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR': '超过顾客当日付款限额',
  'ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR': '超过顾客当月付款限额',
  'ACQ.BUYER_ENABLE_STATUS_FORBID': '顾客的支付宝账户暂不能付款',
  'ACQ.ERROR_BUYER_CERTIFY_LEVEL_LIMIT': '顾客未完成实名认证，暂不能付款',
  'ACQ.PAYMENT_FAIL': '支付失败，请让顾客重新付款',
  'ACQ.TRADE_HAS_CLOSE': '交易已关闭',
  'ACQ.CONTEXT_INCONSISTENT': '订单号已用于另一笔金额或内容不同的交易',
  'ACQ.INVALID_PARAMETER': '支付宝认为请求参数无效',
  'ACQ.TRADE_NOT_EXIST': '支付宝找不到这笔交易',
  'ACQ.TRADE_STATUS_ERROR': '交易当前的状态不允许这样操作',
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': '退款金额超过可退金额',
  'ACQ.SELLER_BALANCE_NOT_ENOUGH': '商户支付宝账户余额不足，无法退款',
  'ACQ.TRADE_NOT_ALLOW_REFUND': '交易已过可退款期限',
  'ACQ.DISCORDANT_REPEAT_REQUEST': '同一退款单号之前用于不同的退款金额',
  'isv.invalid-signature': '支付宝验签失败：应用私钥与开放平台上的应用公钥不匹配',
  'isv.invalid-app-id': 'APPID 不存在或应用未上线',
  'isv.invalid-timestamp': '请求时间与支付宝相差过大，请检查服务器时钟',
  'isv.insufficient-isv-permissions': '应用未签约或未开通此产品',
};

export function failReasonFor(answer: AlipayAnswer): string {
  return alipayFailReasons[answer.sub_code ?? ''] ?? answer.sub_msg ?? '支付宝拒绝了请求';
}
