import { randomUUID } from 'node:crypto';
import { goodPassword, uniquePhone } from '../support/factories.ts';
import type { HttpClient, Res } from '../support/http-client.ts';
import type { Shop } from './shop.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One call of an operation: JSON body, or raw image bytes for the picture routes. */
export interface Call {
  url: string;
  body?: unknown;
  image?: Buffer;
}

/**
 * Reachable without signing in. Written out by hand on purpose: a route that becomes public must be
 * added here by someone who meant it, or the access matrix fails.
 */
export const publicOperations = [
  'GET /api/health',
  'POST /api/auth/register',
  'POST /api/auth/register/verify',
  'POST /api/auth/register/resend',
  'POST /api/auth/login',
  'POST /api/auth/otp/send',
  'POST /api/auth/otp/login',
  'POST /api/auth/password/reset',
  'GET /p/{publicId}',
  'GET /p/{publicId}/wallet/{method}',
  'POST /api/notify/simulator',
  // The wallets' own servers post here; the adapter verifies their signatures instead of a session.
  'POST /api/notify/wechatpay/{accountId}',
  'POST /api/notify/alipay/{accountId}',
  // The customer's side of a store code: the WeChat sign-in return and the result page (signed links).
  'GET /p/{publicId}/wechatpay',
  'GET /p/{publicId}/result/{paymentId}',
  'GET /p/{publicId}/result/{paymentId}/status',
];

/**
 * Signed-in operations that ask for no permission: every role of the merchant may call them. Every
 * other signed-in operation must ask for at least one (the access matrix checks both ways).
 */
export const openToEveryRole = [
  // One's own session, station and PIN.
  'GET /api/auth/session',
  'POST /api/auth/logout',
  'POST /api/auth/station',
  'GET /api/auth/station/users',
  'POST /api/auth/switch-user',
  'PUT /api/me/pin',
  // The simulator plays the customer's wallet for practice and set-up tests, for every role.
  'GET /api/sim/trades',
  'POST /api/sim/scan',
  'POST /api/sim/scan-image',
  'POST /api/sim/trades/{tradeNo}/decide',
  'POST /api/sim/trades/{tradeNo}/password',
  'POST /api/sim/payer-codes',
  'GET /api/sim/payer-codes',
  'POST /api/sim/outage',
];

const wechatpayAccount = {
  mchid: '1900000109',
  appid: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  privateKeyPem: 'not a key',
  certSerial: '0123456789ABCDEF0123456789ABCDEF01234567',
  apiV3Key: '0123456789abcdef0123456789abcdef',
  platformPublicKeyPem: 'not a key',
  platformPublicKeyId: 'PUB_KEY_ID_0112345678',
};
const alipayAccount = { appId: '2021000000000001', appPrivateKey: 'not a key', alipayPublicKey: 'not a key' };
const emvAccount = { acquirerIin: '48020000', merchantNo: '898340149000005', mcc: '5411', nameLatin: 'TEST SHOP', city: 'Beijing' };

/**
 * A well-formed call of every operation on shop s's records, so that the server gets past validation
 * and has to decide on the actor. Public operations get a call that fails validation: enough to show
 * they answer without a session, and nothing changes.
 */
export const calls: Record<string, (s: Shop) => Call> = {
  'GET /api/health': () => ({ url: '/api/health' }),
  'POST /api/auth/register': () => ({ url: '/api/auth/register', body: {} }),
  'POST /api/auth/register/verify': () => ({ url: '/api/auth/register/verify', body: {} }),
  'POST /api/auth/register/resend': () => ({ url: '/api/auth/register/resend', body: {} }),
  'POST /api/auth/login': () => ({ url: '/api/auth/login', body: {} }),
  'POST /api/auth/otp/send': () => ({ url: '/api/auth/otp/send', body: {} }),
  'POST /api/auth/otp/login': () => ({ url: '/api/auth/otp/login', body: {} }),
  'POST /api/auth/password/reset': () => ({ url: '/api/auth/password/reset', body: {} }),
  'GET /p/{publicId}': (s) => ({ url: `/p/${s.payPageId}` }),
  'GET /p/{publicId}/wallet/{method}': (s) => ({ url: `/p/${s.payPageId}/wallet/wechatpay` }),
  'POST /api/notify/simulator': () => ({ url: '/api/notify/simulator', body: {} }),
  'POST /api/notify/wechatpay/{accountId}': (s) => ({ url: `/api/notify/wechatpay/${s.channelAccountId}`, body: {} }),
  'POST /api/notify/alipay/{accountId}': (s) => ({ url: `/api/notify/alipay/${s.channelAccountId}`, body: {} }),
  'GET /p/{publicId}/wechatpay': (s) => ({ url: `/p/${s.payPageId}/wechatpay?code=x&state=y` }),
  'GET /p/{publicId}/result/{paymentId}': (s) => ({ url: `/p/${s.payPageId}/result/${s.paymentId}` }),
  'GET /p/{publicId}/result/{paymentId}/status': (s) => ({ url: `/p/${s.payPageId}/result/${s.paymentId}/status` }),

  'GET /api/auth/session': () => ({ url: '/api/auth/session' }),
  'POST /api/auth/logout': () => ({ url: '/api/auth/logout' }),
  'POST /api/auth/station': (s) => ({ url: '/api/auth/station', body: { stationId: s.stationId } }),
  'GET /api/auth/station/users': () => ({ url: '/api/auth/station/users' }),
  'POST /api/auth/switch-user': (s) => ({ url: '/api/auth/switch-user', body: { userId: s.userIds.cashier, pin: '2580' } }),
  'PUT /api/me/pin': () => ({ url: '/api/me/pin', body: { pin: '7391', password: goodPassword } }),

  'GET /api/merchant': () => ({ url: '/api/merchant' }),
  'GET /api/audit': (s) => ({ url: `/api/audit?targetId=${s.storeId}` }),
  'GET /api/stores': () => ({ url: '/api/stores' }),
  'POST /api/stores': () => ({ url: '/api/stores', body: { name: '新开分店', address: '杭州市西湖区' } }),
  'PATCH /api/stores/{id}': (s) => ({ url: `/api/stores/${s.storeId}`, body: { name: '改名的店', address: '上海市' } }),
  'GET /api/stations': (s) => ({ url: `/api/stations?storeId=${s.storeId}` }),
  'POST /api/stations': (s) => ({ url: '/api/stations', body: { storeId: s.storeId, name: '2 号收银台' } }),
  'PATCH /api/stations/{id}': (s) => ({ url: `/api/stations/${s.stationId}`, body: { name: '改名的台' } }),
  'GET /api/staff': () => ({ url: '/api/staff' }),
  'POST /api/staff': (s) => ({
    url: '/api/staff',
    body: { name: '新来的收银员', phone: uniquePhone(), role: 'cashier', storeId: s.storeId, password: goodPassword },
  }),
  'PATCH /api/staff/{id}': (s) => ({ url: `/api/staff/${s.userIds.cashier}`, body: { name: '改名的收银员' } }),
  'GET /api/channels': () => ({ url: '/api/channels' }),
  'PUT /api/channels/unionpay-emv': (s) => ({ url: '/api/channels/unionpay-emv', body: { storeId: s.storeId, ...emvAccount } }),
  // Placeholder keys: permission and store are checked before any key is read.
  'PUT /api/channels/wechatpay': (s) => ({ url: '/api/channels/wechatpay', body: { storeId: s.storeId, ...wechatpayAccount } }),
  'PUT /api/channels/alipay': (s) => ({ url: '/api/channels/alipay', body: { storeId: s.storeId, ...alipayAccount } }),
  'POST /api/channels/{id}/check': (s) => ({ url: `/api/channels/${s.channelAccountId}/check` }),
  'DELETE /api/channels/{id}': (s) => ({ url: `/api/channels/${s.channelAccountId}` }),

  'GET /api/codes': (s) => ({ url: `/api/codes?storeId=${s.storeId}&stationId=${s.stationId}` }),
  'POST /api/codes': (s) => ({ url: '/api/codes', body: { kind: 'static', storeId: s.storeId, stationId: s.stationId } }),
  'POST /api/codes/upload': (s) => ({ url: `/api/codes/upload?storeId=${s.storeId}&stationId=${s.stationId}`, image: s.codePicture }),
  'GET /api/codes/{id}': (s) => ({ url: `/api/codes/${s.codeId}` }),
  'POST /api/codes/{id}/disable': (s) => ({ url: `/api/codes/${s.codeId}/disable` }),
  'POST /api/codes/{id}/enable': (s) => ({ url: `/api/codes/${s.codeId}/enable` }),
  'GET /api/codes/{id}/qr.png': (s) => ({ url: `/api/codes/${s.codeId}/qr.png?size=128` }),
  'GET /api/codes/{id}/image': (s) => ({ url: `/api/codes/${s.codeId}/image` }),
  'GET /api/codes/{id}/card': (s) => ({ url: `/api/codes/${s.codeId}/card?format=png` }),
  'GET /api/codes/{id}/history': (s) => ({ url: `/api/codes/${s.codeId}/history` }),

  'POST /api/bindings/preview': (s) => ({ url: '/api/bindings/preview', body: bindingInput(s) }),
  'POST /api/bindings': (s) => ({ url: '/api/bindings', body: bindingInput(s) }),
  'GET /api/bindings': (s) => ({ url: `/api/bindings?codeId=${s.codeId}` }),
  'POST /api/bindings/{id}/test-payment': (s) => ({ url: `/api/bindings/${s.bindingId}/test-payment`, body: {} }),
  'POST /api/bindings/{id}/retire': (s) => ({ url: `/api/bindings/${s.bindingId}/retire` }),

  'POST /api/orders': () => ({ url: '/api/orders', body: { id: randomUUID(), amountFen: 100 } }),
  'POST /api/checkout': () => ({
    url: '/api/checkout',
    body: { id: randomUUID(), amountFen: 100, payment: { flow: 'cash', tenderedFen: 100 } },
  }),
  'POST /api/orders/{id}/payments': (s) => ({ url: `/api/orders/${s.openOrderId}/payments`, body: { flow: 'cash' } }),
  'GET /api/payments': (s) => ({ url: `/api/payments?storeId=${s.storeId}` }),
  'GET /api/payments/totals': (s) => ({ url: `/api/payments/totals?storeId=${s.storeId}` }),
  'GET /api/payments/{id}': (s) => ({ url: `/api/payments/${s.paymentId}` }),
  'POST /api/payments/{id}/query': (s) => ({ url: `/api/payments/${s.pendingPaymentId}/query` }),
  'POST /api/payments/{id}/cancel': (s) => ({ url: `/api/payments/${s.pendingPaymentId}/cancel` }),
  'POST /api/payments/{id}/refunds': (s) => ({ url: `/api/payments/${s.paymentId}/refunds`, body: { amountFen: 1, reason: '顾客退货' } }),
  'GET /api/payments/export': (s) => ({ url: `/api/payments/export?storeId=${s.storeId}` }),
  'GET /api/payments/{id}/receipt': (s) => ({ url: `/api/payments/${s.paymentId}/receipt` }),
  'GET /api/reports/daily': (s) => ({ url: `/api/reports/daily?from=2026-11-28&storeId=${s.storeId}` }),

  'GET /api/sim/trades': () => ({ url: '/api/sim/trades' }),
  'POST /api/sim/scan': (s) => ({ url: '/api/sim/scan', body: { tradeNo: s.tradeNo } }),
  'POST /api/sim/scan-image': (s) => ({ url: '/api/sim/scan-image', image: s.tradePicture }),
  'POST /api/sim/trades/{tradeNo}/decide': (s) => ({ url: `/api/sim/trades/${s.tradeNo}/decide`, body: { decision: { action: 'pay' } } }),
  'POST /api/sim/trades/{tradeNo}/password': (s) => ({ url: `/api/sim/trades/${s.tradeNo}/password`, body: {} }),
  'POST /api/sim/payer-codes': () => ({ url: '/api/sim/payer-codes', body: { wallet: 'wechat', behaviour: { action: 'pay' } } }),
  'GET /api/sim/payer-codes': () => ({ url: '/api/sim/payer-codes' }),
  'POST /api/sim/outage': () => ({ url: '/api/sim/outage', body: { calls: 0 } }),
};

/** The call of `operation` on shop s's records; an operation without one fails loudly, to be added above. */
export function callFor(operation: string, s: Shop): Call {
  const make = calls[operation];
  if (!make) throw new Error(`no call for ${operation}: add one to test/security/operations.ts`);
  return make(s);
}

function bindingInput(s: Shop) {
  return { codeId: s.codeId, storeId: s.storeId, stationId: s.stationId, method: 'wechatpay', merchantNo: '1900000109' };
}

/** "METHOD /path/{param}" for every operation of the served OpenAPI document, in its order. */
export async function documentedOperations(client: HttpClient): Promise<string[]> {
  const doc = (await client.get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

export const methodOf = (operation: string) => operation.split(' ')[0] as Method;

/** Sends the call as `client`; for changes also an Idempotency-Key, so a refusal must leave no key behind. */
export function send(client: HttpClient, operation: string, call: Call, headers: Record<string, string> = {}): Promise<Res> {
  const method = methodOf(operation);
  const h = method === 'GET' ? headers : { 'idempotency-key': `sec-${randomUUID()}`, ...headers };
  if (call.image) return client.raw(method, call.url, call.image, 'image/png', h);
  return client.request(method, call.url, call.body, h);
}

/**
 * Whether the call acts on one of these records: an id in the path, in the body, or in the query of a
 * change. An id in the query of a read only filters a list, which may answer with an empty list.
 */
export function actsOn(operation: string, call: Call, ids: readonly string[]): boolean {
  const [path = '', query = ''] = call.url.split('?');
  const named = `${path} ${methodOf(operation) === 'GET' ? '' : query} ${JSON.stringify(call.body ?? null)}`;
  return ids.some((id) => named.includes(id));
}
