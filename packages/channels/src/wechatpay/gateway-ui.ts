import type { IncomingHttpHeaders } from 'node:http';
import { detectWalletApp } from '@paydesk/domain';
import { verifyJsapiPaySign } from './crypto.ts';
import type { GatewayBooks, GatewayMerchant } from './gateway-books.ts';
import type { OAuthDesk } from './gateway-oauth.ts';
import { indexPage, messagePage, payPage } from './gateway-pages.ts';

/** The JSAPI parameters a page hands to WeixinJSBridge `getBrandWCPayRequest`. */
export interface BridgeParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface UiDeps {
  books: GatewayBooks;
  oauth: OAuthDesk;
  merchantByAppid(appid: string): GatewayMerchant | undefined;
  merchantName(mchid: string): string;
}

/** Which WeChat user this browser plays, chosen on the gateway's home page. */
const personCookie = 'wx_person';
const defaultPerson = 'demo-user';

const htmlReply = (status: number, body: string): Reply => ({ status, headers: { 'content-type': 'text/html; charset=utf-8' }, body });
const redirect = (status: 302 | 303, location: string, extra: Record<string, string> = {}): Reply => ({
  status,
  headers: { location, ...extra },
  body: '',
});
const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' };

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function personOf(headers: IncomingHttpHeaders): string | undefined {
  return new RegExp(`(?:^|;\\s*)${personCookie}=([\\w-]{1,32})`).exec(headers.cookie ?? '')?.[1];
}

/** What WeChat does when the page calls `getBrandWCPayRequest` and the payer confirms: checks paySign, then pays. */
export function walletPay(deps: UiDeps, params: BridgeParams): { err_msg: string } {
  const fail = { err_msg: 'get_brand_wcpay_request:fail' };
  const merchant = deps.merchantByAppid(params.appId);
  const prepayId = /^prepay_id=(\S+)$/.exec(params.package ?? '')?.[1];
  const trade = prepayId ? deps.books.findByPrepayId(prepayId) : undefined;
  if (!merchant || !trade || trade.appid !== params.appId || params.signType !== 'RSA') return fail;
  if (!verifyJsapiPaySign(merchant.publicKey, params) || trade.state !== 'NOTPAY') return fail;
  deps.books.pay(trade);
  return { err_msg: 'get_brand_wcpay_request:ok' };
}

/**
 * WeChat's 网页授权 redirect. Outside WeChat (by User-Agent, payments.md §2) WeChat shows "open this in
 * WeChat" and gives no code; a browser that picked a WeChat user on the home page counts as inside.
 */
function authorize(deps: UiDeps, headers: IncomingHttpHeaders, q: URLSearchParams): Reply {
  const appid = q.get('appid') ?? '';
  const scope = q.get('scope') ?? '';
  const person = personOf(headers);
  if (detectWalletApp(first(headers['user-agent'])) !== 'wechat' && !person) {
    return htmlReply(
      200,
      messagePage('请在微信客户端打开链接', 'Open this link in WeChat (or pick a WeChat user on the gateway home page).'),
    );
  }
  if (!deps.merchantByAppid(appid)) return htmlReply(200, messagePage('参数错误', 'appid 无效 (errcode 40013)'));
  if (q.get('response_type') !== 'code' || (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')) {
    return htmlReply(200, messagePage('参数错误', 'response_type 须为 code，scope 须为 snsapi_base 或 snsapi_userinfo'));
  }
  let target: URL;
  try {
    target = new URL(q.get('redirect_uri') ?? '');
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    return htmlReply(200, messagePage('redirect_uri 参数错误', 'redirect_uri must be an http(s) URL'));
  }
  target.searchParams.set('code', deps.oauth.issueCode(appid, person ?? defaultPerson, scope));
  target.searchParams.set('state', q.get('state') ?? '');
  return redirect(302, target.toString());
}

function decide(deps: UiDeps, headers: IncomingHttpHeaders, form: URLSearchParams): Reply {
  const trade = deps.books.find(form.get('mchid') ?? '', form.get('out_trade_no') ?? '');
  const back = form.get('back') ?? '';
  try {
    if (!trade) throw new Error('no such order');
    const action = form.get('action');
    if (action === 'pay') deps.books.pay(trade, deps.oauth.openidFor(trade.appid, personOf(headers) ?? defaultPerson));
    else if (action === 'cancel') deps.books.fail(trade, 'BUYER_CANCELLED');
    else if (action === 'fail') deps.books.fail(trade, 'NOTENOUGH');
    else throw new Error('unknown action');
  } catch (err) {
    return htmlReply(409, messagePage('无法操作', (err as Error).message));
  }
  // Only back to a page of this gateway.
  return redirect(303, /^\/(?!\/)/.test(back) ? back : '/');
}

/** Everything a browser (a person, or the shop's pay page) asks of the gateway outside the signed API. */
export function uiReply(deps: UiDeps, method: string, headers: IncomingHttpHeaders, url: URL, body: string): Reply {
  const route = `${method} ${url.pathname}`;
  switch (route) {
    case 'GET /':
      return htmlReply(200, indexPage(deps.books.openTrades(), personOf(headers) ?? defaultPerson));
    case 'GET /bizpayurl': {
      const trade = deps.books.findByCodeToken(url.searchParams.get('pr') ?? '');
      if (!trade) return htmlReply(404, messagePage('二维码已失效', 'This code does not belong to any order.'));
      return htmlReply(200, payPage(trade, deps.merchantName(trade.mchid)));
    }
    case 'GET /connect/oauth2/authorize':
      return authorize(deps, headers, url.searchParams);
    case 'POST /ui/person': {
      const person = new URLSearchParams(body).get('person')?.trim() ?? '';
      if (!/^[\w-]{1,32}$/.test(person)) return htmlReply(400, messagePage('名字无效', 'Use 1–32 letters, digits, _ or -.'));
      return redirect(303, '/', { 'set-cookie': `${personCookie}=${person}; Path=/; SameSite=Lax` });
    }
    case 'POST /ui/decide':
      return decide(deps, headers, new URLSearchParams(body));
    case 'OPTIONS /wallet/jsapi':
      return { status: 204, headers: cors, body: '' };
    case 'POST /wallet/jsapi': {
      let answer = { err_msg: 'get_brand_wcpay_request:fail' };
      try {
        answer = walletPay(deps, JSON.parse(body) as BridgeParams);
      } catch {
        // A body that is not the bridge parameters is a failed payment, as the bridge reports it.
      }
      return { status: 200, headers: { ...cors, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(answer) };
    }
    default:
      return htmlReply(404, messagePage('404', 'Not found'));
  }
}
