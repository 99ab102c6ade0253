import { createPublicKey, generateKeyPairSync, type KeyObject, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fenToYuanString } from '@paydesk/domain';
import { signedResponseBody, signingText, signNotification, verifyRequest } from './crypto.ts';
import { publicKeyPem } from './keys.ts';
import { type NotificationBehaviour, type NotificationRecord, Notifier } from './local-gateway-notifier.ts';
import { errorPage, indexPage, qrPage, wapPage } from './local-gateway-pages.ts';
import { type BarCodeFate, type Buyer, failure, success, type Trade, TradeBook, type TradeState } from './local-gateway-trades.ts';
import { type AlipayAnswer, answerCodes } from './protocol.ts';
import { beijingTimestamp, parseBeijingTime } from './time.ts';

export type { NotificationBehaviour, NotificationRecord } from './local-gateway-notifier.ts';
export type { BarCodeFate, Buyer, BuyerFailure, TradeState } from './local-gateway-trades.ts';

/**
 * A local Alipay open-platform gateway that speaks the real wire protocol (payments.md §4): form-encoded
 * `POST /gateway.do` calls, RSA2 signatures checked with each app's public key and refused as the real
 * gateway refuses them, answers signed with its own "Alipay" key, asynchronous notifications, the wap
 * cashier and a page for every precreated code. Tests and people trying things decide what the buyer
 * does and how the gateway misbehaves through `control`.
 */
export interface LocalAlipayApp {
  appId: string;
  /** The app public key, as the owner would upload it to the open platform. */
  appPublicKeyPem: string;
  /** Methods this app has not signed up for (answered 40006, as an app without 当面付 is). */
  deniedMethods?: string[];
}

export interface AlipayGatewayOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  apps: LocalAlipayApp[];
  now?: () => number;
  /** Notification retry delays on the gateway's clock (default: Alipay's own, over about 25 hours). */
  notifyRetryDelaysMs?: number[];
  /** How often, in real time, due notifications are sent. */
  notifyTickMs?: number;
}

/** How the next calls go wrong. `timeout` never answers; `applied` does the work first, so only the answer is lost. */
export type GatewayFault =
  | { kind: 'http_error'; status?: number }
  | { kind: 'unavailable' }
  | { kind: 'timeout'; applied?: boolean }
  | { kind: 'slow'; delayMs: number };

export interface GatewayCall {
  at: number;
  method: string;
  appId: string;
  code: string;
  subCode?: string;
}

export interface TradeView {
  appId: string;
  outTradeNo: string;
  tradeNo: string;
  state: TradeState;
  totalFen: number;
  refundedFen: number;
  /** The buyer-facing page: the qr_code of a precreated trade, the cashier of a wap one. */
  pageUrl: string;
}

export interface AlipayGatewayControl {
  now(): number;
  setNow(ms: number): void;
  advance(ms: number): void;
  addApp(app: LocalAlipayApp): void;
  /** What the buyer's wallet does when the cashier scans this payment code (default: pays at once). */
  decideCode(authCode: string, fate: BarCodeFate): void;
  /** The buyer scans a precreated code: the trade now exists, waiting for payment. */
  scan(outTradeNo: string, appId?: string): void;
  /** The buyer pays (a scanned or unscanned code, a trade waiting for the password, a wap order). */
  pay(outTradeNo: string, options?: { buyer?: Buyer; appId?: string }): void;
  /** The buyer gives up at the password prompt (the trade closes). */
  fail(outTradeNo: string, appId?: string): void;
  /** The refund period ends (TRADE_FINISHED). */
  finish(outTradeNo: string, appId?: string): void;
  trade(outTradeNo: string, appId?: string): TradeView;
  failNextCalls(count: number, fault: GatewayFault): void;
  setNotificationBehaviour(behaviour: NotificationBehaviour): void;
  /** Sends every notification due on the gateway's clock and waits for the answers. */
  deliverNotifications(): Promise<void>;
  notifications(): NotificationRecord[];
  calls(): GatewayCall[];
}

export interface AlipayGateway {
  /** The server's root, e.g. http://127.0.0.1:54321 (an overview page lives there). */
  url: string;
  /** What an owner enters as the gateway URL. */
  gatewayUrl: string;
  /** What an owner enters as the Alipay public key. */
  alipayPublicKeyPem: string;
  control: AlipayGatewayControl;
  close(): Promise<void>;
}

interface RegisteredApp {
  appId: string;
  sellerId: string;
  appPublicKey: KeyObject;
  deniedMethods: Set<string>;
}

type Params = Record<string, string>;
type Admission =
  | { app: RegisteredApp; biz: Record<string, unknown> }
  | { refusal: AlipayAnswer; app?: RegisteredApp | undefined; errorNode?: boolean };

const apiMethods = new Set([
  'alipay.trade.precreate',
  'alipay.trade.pay',
  'alipay.trade.query',
  'alipay.trade.cancel',
  'alipay.trade.close',
  'alipay.trade.refund',
  'alipay.trade.fastpay.refund.query',
]);
const wapMethod = 'alipay.trade.wap.pay';
const timestampToleranceMs = 15 * 60_000;
const maxBodyBytes = 1 << 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The gateway reads parameters from the query string and the form body alike (the SDKs split them). */
async function readParams(req: IncomingMessage, url: URL): Promise<Params | null> {
  const params: Params = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  if (body === null) return null;
  const type = req.headers['content-type'] ?? '';
  if (body && (type === '' || type.startsWith('application/x-www-form-urlencoded'))) {
    for (const [key, value] of new URLSearchParams(body)) params[key] = value;
  }
  return params;
}

function parseBiz(text: string | undefined): Record<string, unknown> | null {
  try {
    const biz = JSON.parse(text ?? '') as unknown;
    return typeof biz === 'object' && biz !== null && !Array.isArray(biz) ? (biz as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location });
  res.end();
}

export async function startAlipayGateway(o: AlipayGatewayOptions): Promise<AlipayGateway> {
  const { privateKey: alipayKey, publicKey: alipayPublicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const baseNow = o.now ?? Date.now;
  let offset = 0;
  const now = () => baseNow() + offset;
  const apps = new Map<string, RegisteredApp>();
  const addApp = (app: LocalAlipayApp) =>
    apps.set(app.appId, {
      appId: app.appId,
      sellerId: `2088${String(randomInt(1e12)).padStart(12, '0')}`,
      appPublicKey: createPublicKey(app.appPublicKeyPem),
      deniedMethods: new Set(app.deniedMethods ?? []),
    });
  for (const app of o.apps) addApp(app);

  const notifier = new Notifier(
    now,
    (fields) => ({ ...fields, sign_type: 'RSA2', sign: signNotification(fields, alipayKey) }),
    o.notifyRetryDelaysMs,
  );
  const book: TradeBook = new TradeBook(now, (trade, refund) => {
    if (trade.notifyUrl) notifier.enqueue(trade.notifyUrl, book.notificationFields(trade, refund));
  });
  const faults: GatewayFault[] = [];
  const calls: GatewayCall[] = [];
  const held = new Set<ServerResponse>();
  let root = '';

  const qrCodeOf = (trade: Trade) => `${root}/qr/bax${trade.token}`;
  const pageUrl = (trade: Trade) => (trade.product === 'wap' ? `${root}/wap/${trade.token}` : qrCodeOf(trade));

  /** The checks every call passes before its business is looked at, in the order the real gateway makes them. */
  function admit(params: Params): Admission {
    const method = params.method;
    // Without a known app there is no key pair to answer with: such refusals go out unsigned.
    const app = apps.get(params.app_id ?? '');
    if (!method) return { refusal: failure(answerCodes.missingArgument, 'isv.missing-method', '缺少方法名参数'), app, errorNode: true };
    if (!apiMethods.has(method) && method !== wapMethod) {
      return { refusal: failure(answerCodes.invalidArgument, 'isv.invalid-method', '不存在的方法名'), app, errorNode: true };
    }
    if (!params.app_id) return { refusal: failure(answerCodes.missingArgument, 'isv.missing-app-id', '缺少AppID参数') };
    if (!app) return { refusal: failure(answerCodes.invalidArgument, 'isv.invalid-app-id', '无效的AppID参数') };
    const refuse = (code: string, subCode: string, subMsg: string): Admission => ({ refusal: failure(code, subCode, subMsg), app });
    if (!params.sign) return refuse(answerCodes.missingArgument, 'isv.missing-signature', '缺少签名参数');
    if (!params.sign_type) return refuse(answerCodes.missingArgument, 'isv.missing-signature-type', '缺少签名类型参数');
    if (params.sign_type !== 'RSA2') return refuse(answerCodes.invalidArgument, 'isv.invalid-signature-type', '无效的签名类型参数');
    if (!params.timestamp) return refuse(answerCodes.missingArgument, 'isv.missing-timestamp', '缺少时间戳参数');
    const sentAt = parseBeijingTime(params.timestamp);
    if (sentAt === null || Math.abs(sentAt - now()) > timestampToleranceMs) {
      return refuse(
        answerCodes.invalidArgument,
        'isv.invalid-timestamp',
        '非法的时间戳参数（格式须为北京时间 yyyy-MM-dd HH:mm:ss，且与网关时间相差不超过 15 分钟）',
      );
    }
    if (params.version !== '1.0') return refuse(answerCodes.invalidArgument, 'isv.invalid-version', '无效的版本号参数');
    if (!verifyRequest(params, app.appPublicKey)) {
      const text = signingText(params, ['sign']);
      return refuse(
        answerCodes.invalidArgument,
        'isv.invalid-signature',
        `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${text}`,
      );
    }
    if (app.deniedMethods.has(method)) {
      return refuse(answerCodes.noPermission, 'isv.insufficient-isv-permissions', 'ISV权限不足，建议在开发者中心检查签约是否已经生效');
    }
    const biz = parseBiz(params.biz_content);
    if (!biz) return refuse(answerCodes.businessFailed, 'ACQ.INVALID_PARAMETER', '参数无效');
    return { app, biz };
  }

  function dispatch(method: string, app: RegisteredApp, biz: Record<string, unknown>, params: Params): AlipayAnswer {
    switch (method) {
      case 'alipay.trade.precreate': {
        const opened = book.precreate(app, biz, params.notify_url);
        return 'code' in opened ? opened : success({ out_trade_no: opened.outTradeNo, qr_code: qrCodeOf(opened) });
      }
      case 'alipay.trade.pay':
        return book.pay(app, biz, params.notify_url);
      case 'alipay.trade.query':
        return book.query(app.appId, biz);
      case 'alipay.trade.cancel':
        return book.cancel(app.appId, biz);
      case 'alipay.trade.close':
        return book.close(app.appId, biz);
      case 'alipay.trade.refund':
        return book.refund(app.appId, biz);
      default:
        return book.refundQuery(app.appId, biz);
    }
  }

  function hold(res: ServerResponse): void {
    held.add(res);
    res.on('close', () => held.delete(res));
  }

  async function apiCall(params: Params, res: ServerResponse): Promise<void> {
    const fault = faults.shift();
    if (fault?.kind === 'http_error') {
      const status = fault.status ?? 502;
      return sendHtml(res, status, `<html><body><h1>${status}</h1></body></html>`);
    }
    if (fault?.kind === 'timeout' && !fault.applied) return hold(res);
    const method = params.method ?? '';
    const admission = admit(params);
    const refused = 'refusal' in admission;
    let answer: AlipayAnswer;
    if (refused) answer = admission.refusal;
    else if (fault?.kind === 'unavailable') answer = failure(answerCodes.unavailable, 'isp.unknow-error', '系统繁忙');
    else answer = dispatch(method, admission.app, admission.biz, params);
    calls.push({
      at: now(),
      method,
      appId: params.app_id ?? '',
      code: answer.code,
      ...(answer.sub_code ? { subCode: answer.sub_code } : {}),
    });
    if (fault?.kind === 'timeout') return hold(res);
    if (fault?.kind === 'slow') await sleep(fault.delayMs);
    const signer = refused && !admission.app ? null : alipayKey;
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.end(signedResponseBody(method, answer, signer, refused && admission.errorNode === true));
  }

  /** alipay.trade.wap.pay is opened by the buyer's browser: refusals are pages, not JSON. */
  function wapEntry(params: Params, res: ServerResponse): void {
    const admission = admit(params);
    const opened =
      'refusal' in admission ? admission.refusal : book.wapPay(admission.app, admission.biz, params.notify_url, params.return_url);
    if ('code' in opened) sendHtml(res, 200, errorPage(opened.sub_code ?? '', opened.sub_msg ?? ''));
    else redirect(res, `${root}/wap/${opened.token}`);
  }

  /** The synchronous return to the shop after a wap payment, signed like a notification. */
  function returnUrlOf(trade: Trade, returnUrl: string): string {
    const fields = {
      charset: 'utf-8',
      method: 'alipay.trade.wap.pay.return',
      app_id: trade.appId,
      auth_app_id: trade.appId,
      seller_id: trade.sellerId,
      out_trade_no: trade.outTradeNo,
      trade_no: trade.tradeNo,
      total_amount: fenToYuanString(trade.totalFen),
      timestamp: beijingTimestamp(now()),
      version: '1.0',
    };
    const target = new URL(returnUrl);
    for (const [key, value] of Object.entries({ ...fields, sign_type: 'RSA2', sign: signNotification(fields, alipayKey) })) {
      target.searchParams.set(key, value);
    }
    return target.toString();
  }

  function buyerPays(trade: Trade): void {
    // A second click, or a trade closed meanwhile: the page shows the trade as it stands.
    if (trade.state === 'WAIT_BUYER_PAY' || trade.state === 'NOT_SCANNED') book.buyerPays(trade);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', root);
    const path = url.pathname;
    if (path === '/gateway.do' && (req.method === 'POST' || req.method === 'GET')) {
      const params = await readParams(req, url);
      if (!params) return sendHtml(res, 413, '<html><body>request too large</body></html>');
      return params.method === wapMethod ? wapEntry(params, res) : apiCall(params, res);
    }
    const qr = /^\/qr\/bax([0-9a-f]+)(\/pay)?$/.exec(path);
    const wap = /^\/wap\/([0-9a-f]+)(\/pay|\/quit)?$/.exec(path);
    const token = qr?.[1] ?? wap?.[1];
    const trade = token ? book.byPageToken(token) : undefined;
    if (qr && trade?.product === 'precreate') {
      if (req.method === 'POST' && qr[2]) {
        buyerPays(trade);
        return redirect(res, qrCodeOf(trade));
      }
      book.scan(trade);
      return sendHtml(res, 200, qrPage(trade, `${qrCodeOf(trade)}/pay`));
    }
    if (wap && trade?.product === 'wap') {
      if (req.method === 'POST' && wap[2] === '/pay') {
        buyerPays(trade);
        return trade.returnUrl && trade.state === 'TRADE_SUCCESS'
          ? redirect(res, returnUrlOf(trade, trade.returnUrl))
          : redirect(res, pageUrl(trade));
      }
      if (req.method === 'POST' && wap[2] === '/quit') return redirect(res, trade.quitUrl ?? pageUrl(trade));
      return sendHtml(res, 200, wapPage(trade, `${pageUrl(trade)}/pay`, `${pageUrl(trade)}/quit`));
    }
    if (path === '/' && req.method === 'GET') return sendHtml(res, 200, indexPage(book.all(), notifier.records(), pageUrl));
    sendHtml(res, 404, errorPage('not-found', '页面不存在'));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the gateway is not listening on a port');
  root = `http://127.0.0.1:${address.port}`;
  notifier.start(o.notifyTickMs ?? 200);

  const view = (trade: Trade): TradeView => ({
    appId: trade.appId,
    outTradeNo: trade.outTradeNo,
    tradeNo: trade.tradeNo,
    state: trade.state,
    totalFen: trade.totalFen,
    refundedFen: trade.refundedFen,
    pageUrl: pageUrl(trade),
  });

  const control: AlipayGatewayControl = {
    now,
    setNow: (ms) => {
      offset = ms - baseNow();
    },
    advance: (ms) => {
      offset += ms;
    },
    addApp,
    decideCode: (authCode, fate) => book.decide(authCode, fate),
    scan: (outTradeNo, appId) => book.scan(book.byOutTradeNo(outTradeNo, appId)),
    pay: (outTradeNo, options) => book.buyerPays(book.byOutTradeNo(outTradeNo, options?.appId), options?.buyer),
    fail: (outTradeNo, appId) => book.buyerFails(book.byOutTradeNo(outTradeNo, appId)),
    finish: (outTradeNo, appId) => book.finish(book.byOutTradeNo(outTradeNo, appId)),
    trade: (outTradeNo, appId) => view(book.byOutTradeNo(outTradeNo, appId)),
    failNextCalls: (count, fault) => {
      for (let i = 0; i < count; i += 1) faults.push(fault);
    },
    setNotificationBehaviour: (behaviour) => notifier.setBehaviour(behaviour),
    deliverNotifications: () => notifier.deliverDue(),
    notifications: () => notifier.records(),
    calls: () => [...calls],
  };

  return {
    url: root,
    gatewayUrl: `${root}/gateway.do`,
    alipayPublicKeyPem: publicKeyPem(alipayPublicKey),
    control,
    close: async () => {
      await notifier.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}
