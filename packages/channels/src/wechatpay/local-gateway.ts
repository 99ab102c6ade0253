import { createPublicKey, generateKeyPair, type KeyObject, randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { authScheme, parseAuthorization, requestMessage, signAsPlatform, verifyRequest } from './crypto.ts';
import {
  type Answer,
  type BookEvent,
  error,
  GatewayBooks,
  type GatewayMerchant,
  type PayerBehaviour,
  type RefundPolicy,
} from './gateway-books.ts';
import { type Delivery, type NotificationPolicy, Notifier, wechatRetryDelaysMs } from './gateway-notifier.ts';
import { OAuthDesk } from './gateway-oauth.ts';
import { type BridgeParams, type UiDeps, uiReply, walletPay } from './gateway-ui.ts';

import {
  beijingTime,
  type CodePayFailure,
  maxClockSkewSeconds,
  type Refund,
  type RefundNotice,
  sameSerialNo,
  type Transaction,
} from './protocol.ts';

export type { PayerBehaviour as WechatPayPayerBehaviour, RefundPolicy as WechatPayRefundPolicy } from './gateway-books.ts';
export type { Delivery as WechatPayDelivery, NotificationPolicy as WechatPayNotificationPolicy } from './gateway-notifier.ts';
export type { BridgeParams as WechatPayBridgeParams } from './gateway-ui.ts';

export interface WechatPayGatewayMerchant {
  mchid: string;
  appid: string;
  appSecret: string;
  /** The merchant's API public key (or its private key, whose public half is taken), as WeChat Pay holds it. */
  merchantPublicKey: string | KeyObject;
  merchantSerialNo: string;
  apiV3Key: string;
  /** Shown to the payer on the pay page. */
  name?: string;
}

export interface StartWechatPayGatewayOptions {
  /** 0 (the default) picks a free port. The gateway listens on 127.0.0.1 only. */
  port?: number;
  merchants: WechatPayGatewayMerchant[];
  now?: () => number;
  /** Delays between notification retries; WeChat's own schedule by default (15 s, 15 s, 30 s, 3 min, …). */
  retryDelaysMs?: number[];
}

/** How the next API calls misbehave. `afterProcessing`: the call takes effect, only its answer is lost. */
export type WechatPayCallFault =
  | { kind: 'server_error'; status?: number; afterProcessing?: boolean }
  | { kind: 'timeout'; afterProcessing?: boolean }
  | { kind: 'slow'; delayMs: number };

export interface WechatPayGatewayControl {
  clock: { now(): number; set(ms: number): void; advance(ms: number): void; reset(): void };
  /** The payer pays a waiting order (scans the Native code, or enters the password of a code payment). */
  pay(outTradeNo: string, o?: { mchid?: string; openid?: string }): Transaction;
  fail(outTradeNo: string, o?: { mchid?: string; code?: CodePayFailure }): Transaction;
  /** The payer closes the password prompt of a code payment. */
  payerCancels(outTradeNo: string, o?: { mchid?: string }): Transaction;
  /** A fresh payment code (付款码) that behaves as told when the cashier scans it. */
  payerCode(behaviour?: PayerBehaviour): string;
  /** The openid a WeChat user has in an AppID (the one the OAuth exchange yields). */
  openid(appid: string, person?: string): string;
  /** What WeChat does when the page calls `getBrandWCPayRequest` and the payer confirms. */
  walletPay(params: BridgeParams): { err_msg: string };
  trade(outTradeNo: string, mchid?: string): Transaction | null;
  refund(outRefundNo: string, mchid?: string): Refund | null;
  setRefundPolicy(policy: Partial<RefundPolicy>): void;
  settleRefund(outRefundNo: string, status: RefundPolicy['status'], mchid?: string): Refund;
  failNextCalls(count: number, fault: WechatPayCallFault): void;
  notifications: {
    setPolicy(policy: Partial<NotificationPolicy>): void;
    readonly log: readonly Delivery[];
    /** Sends the last notification about a trade (or a refund, by its number) once more. */
    resend(outTradeNoOrRefundNo: string): void;
    settled(): Promise<void>;
  };
}

export interface WechatPayGateway {
  url: string;
  platformPublicKeyPem: string;
  platformPublicKeyId: string;
  control: WechatPayGatewayControl;
  close(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A WeChat Pay API v3 gateway on loopback that speaks the real wire protocol: it checks the merchant's
 * `Authorization` signature and refuses bad ones as WeChat does (401 SIGN_ERROR), signs every answer with
 * its own platform key, keeps the books of every order and refund, and notifies the order's notify_url
 * with encrypted, signed notifications. Tests (and people trying things) decide each payment's fate
 * through `control`, and can make calls fail, hang or crawl and notifications repeat, wait or vanish.
 */
export async function startWechatPayGateway(options: StartWechatPayGatewayOptions): Promise<WechatPayGateway> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  let keyIdDigits = '';
  for (let i = 0; i < 26; i += 1) keyIdDigits += String(randomInt(10));
  const platformPublicKeyId = `PUB_KEY_ID_01${keyIdDigits}`;

  const base = options.now ?? Date.now;
  let offset = 0;
  const clock = {
    now: () => base() + offset,
    set: (ms: number) => {
      offset = ms - base();
    },
    advance: (ms: number) => {
      offset += ms;
    },
    reset: () => {
      offset = 0;
    },
  };

  const merchants = new Map<string, GatewayMerchant & { name: string }>();
  for (const m of options.merchants) {
    merchants.set(m.mchid, {
      ...m,
      // A KeyObject that is already public stays as it is; a private key or PEM yields its public half.
      publicKey:
        typeof m.merchantPublicKey !== 'string' && m.merchantPublicKey.type === 'public'
          ? m.merchantPublicKey
          : createPublicKey(m.merchantPublicKey),
      serialNo: m.merchantSerialNo,
      name: m.name ?? `商户 ${m.mchid}`,
    });
  }
  const byAppid = (appid: string) => [...merchants.values()].find((m) => m.appid === appid);
  const defaultMchid = options.merchants[0]?.mchid ?? '';

  const oauth = new OAuthDesk(clock.now, (appid) => byAppid(appid)?.appSecret);
  const notifier = new Notifier({
    sign: (body) => signAsPlatform(privateKey, platformPublicKeyId, body, clock.now()),
    now: clock.now,
    retryDelaysMs: options.retryDelaysMs ?? wechatRetryDelaysMs,
  });
  const books = new GatewayBooks(
    clock.now,
    (event) => notifyAbout(event),
    (appid, person) => oauth.openidFor(appid, person),
    (appid, openid) => oauth.isOpenidOf(appid, openid),
  );

  function notifyAbout(event: BookEvent): void {
    if (event.kind === 'paid') {
      const { trade } = event;
      const merchant = merchants.get(trade.mchid);
      // Code payments carry no notify_url: WeChat never notifies them (payments.md §8).
      if (!trade.notifyUrl || !merchant) return;
      notifier.notify(
        { url: trade.notifyUrl, apiV3Key: merchant.apiV3Key },
        'TRANSACTION.SUCCESS',
        '支付成功',
        { originalType: 'transaction', plaintext: books.transaction(trade) },
        { outTradeNo: trade.outTradeNo },
      );
      return;
    }
    const { refund } = event;
    const merchant = merchants.get(refund.mchid);
    if (!refund.notifyUrl || !merchant) return;
    const trade = books.find(refund.mchid, refund.outTradeNo);
    const notice: RefundNotice = {
      mchid: refund.mchid,
      out_trade_no: refund.outTradeNo,
      transaction_id: trade?.transactionId ?? '',
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_status: refund.status,
      ...(refund.successAt !== undefined ? { success_time: beijingTime(refund.successAt) } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
    };
    const eventType = refund.status === 'SUCCESS' ? 'REFUND.SUCCESS' : refund.status === 'CLOSED' ? 'REFUND.CLOSED' : 'REFUND.ABNORMAL';
    const summary = refund.status === 'SUCCESS' ? '退款成功' : refund.status === 'CLOSED' ? '退款关闭' : '退款异常';
    notifier.notify(
      { url: refund.notifyUrl, apiV3Key: merchant.apiV3Key },
      eventType,
      summary,
      { originalType: 'refund', plaintext: notice },
      { outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo },
    );
  }

  /** Checks who is calling, as WeChat does, before anything else. */
  function authenticate(req: IncomingMessage, pathAndQuery: string, body: string): { merchant: GatewayMerchant } | Answer {
    const auth = parseAuthorization(header(req, 'authorization'));
    if (!auth) {
      return error(401, 'SIGN_ERROR', 'Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》', {
        field: 'authorization',
        location: 'header',
      });
    }
    const merchant = merchants.get(auth.mchid);
    if (!merchant) return error(400, 'MCH_NOT_EXISTS', '商户号不存在');
    if (!sameSerialNo(auth.serialNo, merchant.serialNo)) {
      return error(401, 'SIGN_ERROR', '商户证书序列号有误。', {
        field: 'serial_no',
        location: 'authorization',
        detail: { issue: 'serial_no not match' },
      });
    }
    if (!/^\d+$/.test(auth.timestamp) || Math.abs(clock.now() / 1000 - Number(auth.timestamp)) > maxClockSkewSeconds) {
      return error(401, 'SIGN_ERROR', '请求时间戳与微信支付服务器时间相差超过5分钟', {
        field: 'timestamp',
        location: 'authorization',
        detail: { issue: 'timestamp expired' },
      });
    }
    const method = req.method ?? 'GET';
    if (!verifyRequest(merchant.publicKey, auth, { method, pathAndQuery, body })) {
      const signed = requestMessage(method, pathAndQuery, auth.timestamp, auth.nonceStr, body);
      return error(401, 'SIGN_ERROR', '错误的签名，验签失败', {
        detail: { issue: 'sign not match' },
        field: 'signature',
        location: 'authorization',
        sign_information: {
          method,
          url: pathAndQuery,
          sign_message_length: Buffer.byteLength(signed),
          truncated_sign_message: signed.slice(0, 64),
        },
      });
    }
    return { merchant };
  }

  function api(req: IncomingMessage, pathAndQuery: string, rawBody: string): Answer {
    const authenticated = authenticate(req, pathAndQuery, rawBody);
    if ('status' in authenticated) return authenticated;
    const { merchant } = authenticated;
    const url = new URL(pathAndQuery, 'http://gateway');
    const path = url.pathname;
    let body: Record<string, unknown> = {};
    if (req.method === 'POST') {
      try {
        const parsed: unknown = JSON.parse(rawBody);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return error(400, 'PARAM_ERROR', '请求体不是有效的JSON对象');
      }
    }
    const needsMchid = (mchid: unknown) => {
      if (typeof mchid !== 'string' || !mchid) return error(400, 'PARAM_ERROR', '参数错误：mchid 必填', { field: 'mchid' });
      return mchid === merchant.mchid ? null : error(400, 'INVALID_REQUEST', 'mchid与Authorization中的商户号不一致');
    };
    const needsAppid = (appid: unknown) => {
      if (typeof appid !== 'string' || !appid) return error(400, 'PARAM_ERROR', '参数错误：appid 必填', { field: 'appid' });
      return appid === merchant.appid ? null : error(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    };

    const order = /^\/v3\/pay\/transactions\/(native|jsapi|codepay)$/.exec(path);
    if (order && req.method === 'POST') {
      const refused = needsMchid(body.mchid) ?? needsAppid(body.appid);
      if (refused) return refused;
      if (order[1] === 'codepay') return books.codePay(merchant, body);
      return books.placeOrder(order[1] === 'native' ? 'NATIVE' : 'JSAPI', merchant, body);
    }
    const trade = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close|\/reverse)?$/.exec(path);
    if (trade?.[1]) {
      const outTradeNo = decodeURIComponent(trade[1]);
      if (!trade[2] && req.method === 'GET') return needsMchid(url.searchParams.get('mchid')) ?? books.query(merchant.mchid, outTradeNo);
      if (trade[2] === '/close' && req.method === 'POST') return needsMchid(body.mchid) ?? books.close(merchant.mchid, outTradeNo);
      if (trade[2] === '/reverse' && req.method === 'POST') {
        return needsMchid(body.mchid) ?? needsAppid(body.appid) ?? books.reverse(merchant.mchid, outTradeNo);
      }
    }
    if (path === '/v3/refund/domestic/refunds' && req.method === 'POST') return books.refund(merchant, body);
    const refund = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (refund?.[1] && req.method === 'GET') return books.queryRefund(merchant.mchid, decodeURIComponent(refund[1]));
    return error(404, 'NOT_FOUND', '请求的资源不存在');
  }

  function sendSigned(res: ServerResponse, answer: Answer): void {
    if (res.destroyed) return;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const now = clock.now();
    const h = signAsPlatform(privateKey, platformPublicKeyId, text, now);
    res.writeHead(answer.status, {
      ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      date: new Date(now).toUTCString(),
      'request-id': randomUUID(),
      'wechatpay-timestamp': h.timestamp,
      'wechatpay-nonce': h.nonce,
      'wechatpay-signature': h.signature,
      'wechatpay-serial': h.serial,
      'wechatpay-signature-type': authScheme,
    });
    res.end(text);
  }

  const faults: WechatPayCallFault[] = [];
  const hanging = new Set<ServerResponse>();
  const closing = new AbortController();

  async function handleApi(req: IncomingMessage, res: ServerResponse, pathAndQuery: string, body: string): Promise<void> {
    const isOAuth = pathAndQuery.startsWith('/sns/');
    const run = (): Answer =>
      isOAuth ? { status: 200, body: oauth.exchange(new URL(pathAndQuery, 'http://gateway').searchParams) } : api(req, pathAndQuery, body);
    const send = (answer: Answer) => {
      // The OAuth token API is WeChat's open platform, not WeChat Pay: its answers are not signed.
      if (isOAuth) res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.body));
      else sendSigned(res, answer);
    };
    const fault = faults.shift();
    if (fault?.kind === 'timeout') {
      if (fault.afterProcessing) run();
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (fault?.kind === 'server_error') {
      if (fault.afterProcessing) run();
      send(error(fault.status ?? 500, 'SYSTEM_ERROR', '系统繁忙，请稍后重试'));
      return;
    }
    const answer = run();
    if (fault?.kind === 'slow') await sleep(fault.delayMs, closing.signal);
    send(answer);
  }

  const uiDeps: UiDeps = {
    books,
    oauth,
    merchantByAppid: byAppid,
    merchantName: (mchid) => merchants.get(mchid)?.name ?? mchid,
  };

  const server = createServer((req, res) => {
    void (async () => {
      const pathAndQuery = req.url ?? '/';
      const body = await readBody(req);
      if (pathAndQuery.startsWith('/v3/') || pathAndQuery.startsWith('/sns/')) await handleApi(req, res, pathAndQuery, body);
      else {
        const reply = uiReply(uiDeps, req.method ?? 'GET', req.headers, new URL(pathAndQuery, 'http://gateway'), body);
        res.writeHead(reply.status, reply.headers).end(reply.body);
      }
    })().catch((err: Error) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(err.message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const tradeOf = (outTradeNo: string, mchid = defaultMchid) => {
    const trade = books.find(mchid, outTradeNo);
    if (!trade) throw new Error(`no trade ${outTradeNo} at merchant ${mchid}`);
    return trade;
  };
  const refundOf = (outRefundNo: string, mchid = defaultMchid) => {
    const refund = books.findRefund(mchid, outRefundNo);
    if (!refund) throw new Error(`no refund ${outRefundNo} at merchant ${mchid}`);
    return refund;
  };

  const control: WechatPayGatewayControl = {
    clock,
    pay(outTradeNo, o = {}) {
      const trade = tradeOf(outTradeNo, o.mchid);
      books.pay(trade, o.openid);
      return books.transaction(trade);
    },
    fail(outTradeNo, o = {}) {
      const trade = tradeOf(outTradeNo, o.mchid);
      books.fail(trade, o.code ?? 'NOTENOUGH');
      return books.transaction(trade);
    },
    payerCancels(outTradeNo, o = {}) {
      const trade = tradeOf(outTradeNo, o.mchid);
      books.fail(trade, 'BUYER_CANCELLED');
      return books.transaction(trade);
    },
    payerCode: (behaviour = { action: 'pay' }) => books.issuePayerCode(behaviour),
    openid: (appid, person = 'demo-user') => oauth.openidFor(appid, person),
    walletPay: (params) => walletPay(uiDeps, params),
    trade(outTradeNo, mchid = defaultMchid) {
      const trade = books.find(mchid, outTradeNo);
      return trade ? books.transaction(trade) : null;
    },
    refund(outRefundNo, mchid = defaultMchid) {
      const refund = books.findRefund(mchid, outRefundNo);
      return refund ? books.refundBody(refund) : null;
    },
    setRefundPolicy(policy) {
      books.refundPolicy = { ...books.refundPolicy, ...policy };
    },
    settleRefund(outRefundNo, status, mchid) {
      const refund = refundOf(outRefundNo, mchid);
      books.settleRefund(refund, status);
      return books.refundBody(refund);
    },
    failNextCalls(count, fault) {
      for (let i = 0; i < count; i += 1) faults.push(fault);
    },
    notifications: {
      setPolicy(policy) {
        notifier.policy = { ...notifier.policy, ...policy };
      },
      get log() {
        return notifier.log;
      },
      resend: (key) => notifier.resend(key),
      settled: () => notifier.settled(),
    },
  };

  return {
    url: `http://127.0.0.1:${port}`,
    platformPublicKeyPem: String(publicKey.export({ type: 'spki', format: 'pem' })),
    platformPublicKeyId,
    control,
    async close() {
      closing.abort();
      notifier.close();
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
