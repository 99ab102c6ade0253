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

/** An order the payer completes inside their wallet app, started from the shop's store-code pay page. */
export interface WalletOrderRequest {
  outTradeNo: string;
  amountFen: number;
  description: string;
  expiresAt: number;
  notifyUrl: string;
  /** Where the wallet sends the payer's browser back after paying (Alipay's return_url). */
  returnUrl: string;
  /** The payer's id in the wallet (the WeChat openid a JSAPI order needs), from `PayerIdentification`. */
  payerId?: string;
}

export type WalletOrderStart =
  /** WeChat JSAPI: the parameters the page hands to WeixinJSBridge `getBrandWCPayRequest`, signed. */
  | { kind: 'jsapi'; params: Record<string, string> }
  /** Alipay wap pay: the address to send the payer's browser to. */
  | { kind: 'redirect'; url: string }
  | { kind: 'unknown'; why: string };

/** How a channel learns who the payer is before a wallet order (WeChat's OAuth redirect for the openid). */
export interface PayerIdentification {
  /** Where to send the payer's browser; the wallet comes back to `redirectUri` with `?code=…&state=…`. */
  authorizeUrl(redirectUri: string, state: string): string;
  /** Exchanges the code from the redirect for the payer's id in the wallet. */
  payerIdFromCode(code: string): Promise<string>;
}

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
  /** Only channels that can take money on the store-code pay page. */
  createWalletOrder?(req: WalletOrderRequest): Promise<WalletOrderStart>;
  /** Only channels whose wallet orders need the payer's id first. */
  readonly payerIdentification?: PayerIdentification;
}
