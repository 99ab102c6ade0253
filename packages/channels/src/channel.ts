/**
 * The one contract every payment channel adapter implements (simulator, WeChat Pay, Alipay, UnionPay,
 * cash, card terminal, member balance). Amounts are integer fen. Every answer says what is known: a
 * channel that timed out or answered with a bad signature is "unknown", never "failed", because the
 * money may have moved; the payment then stays pending and is settled by query.
 */
export type ChannelKind = 'simulator' | 'wechatpay' | 'alipay' | 'unionpay' | 'cash' | 'card_terminal' | 'member_balance';

export type ChannelOutcome =
  | { state: 'succeeded'; channelTradeNo: string; paidAt: number; payerRef?: string }
  | { state: 'failed'; reason: string; reasonCode: string }
  | { state: 'waiting'; why: 'user_paying' | 'not_paid_yet' }
  | { state: 'closed' }
  | { state: 'unknown'; why: string };

export interface DynamicCodeRequest {
  outTradeNo: string;
  amountFen: number;
  description: string;
  expiresAt: number;
  notifyUrl: string;
}

export interface CodePayRequest {
  outTradeNo: string;
  amountFen: number;
  description: string;
  /** The customer's payment code (付款码) as the scanner read it, already trimmed. */
  authCode: string;
}

export interface RefundRequest {
  outTradeNo: string;
  outRefundNo: string;
  refundFen: number;
  totalFen: number;
  reason: string;
}

export type RefundOutcome =
  | { state: 'succeeded'; channelRefundNo: string; refundedAt: number }
  | { state: 'processing' }
  | { state: 'failed'; reason: string; reasonCode: string }
  | { state: 'unknown'; why: string };

export interface IncomingNotification {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export type ParsedNotification =
  | { valid: true; kind: 'payment'; outTradeNo: string; outcome: ChannelOutcome; ack: { status: number; body: string } }
  | { valid: true; kind: 'refund'; outRefundNo: string; outcome: RefundOutcome; ack: { status: number; body: string } }
  | { valid: false; reason: string; ack: { status: number; body: string } };

export interface PaymentChannel {
  readonly kind: ChannelKind;
  createDynamicCode(req: DynamicCodeRequest): Promise<{ codeText: string } | { state: 'unknown'; why: string }>;
  payWithCode(req: CodePayRequest): Promise<ChannelOutcome>;
  query(outTradeNo: string): Promise<ChannelOutcome>;
  close(outTradeNo: string): Promise<ChannelOutcome>;
  /** Cancels a code payment whose result is unknown: closes it, or refunds it if it was paid. */
  reverse(outTradeNo: string): Promise<ChannelOutcome>;
  refund(req: RefundRequest): Promise<RefundOutcome>;
  queryRefund(outTradeNo: string, outRefundNo: string): Promise<RefundOutcome>;
  parseNotification(n: IncomingNotification): Promise<ParsedNotification>;
}
