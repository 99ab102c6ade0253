import type { Payment } from '@paydesk/db';
import { formatFen } from '@paydesk/domain';
import { html, SafeHtml } from './html.ts';
import { layout } from './pay-page.view.ts';

export interface JsapiPageModel {
  merchantName: string;
  storeName: string;
  amountFen: number;
  /** The signed parameters for WeixinJSBridge `getBrandWCPayRequest`. */
  params: Record<string, string>;
  statusUrl: string;
  resultUrl: string;
  /** The CSP nonce of the page's one script. */
  nonce: string;
}

export interface ResultPageModel {
  merchantName: string;
  storeName: string;
  payment: Pick<Payment, 'status' | 'amount_fen' | 'failure_reason' | 'out_trade_no' | 'paid_at'>;
}

/** JSON inside a script element: `<` escaped, so the text can never close the element. */
const scriptJson = (value: unknown) => new SafeHtml(JSON.stringify(value).replace(/</g, '\\u003c'));

/**
 * Runs inside WeChat: hands the signed order to the wallet, then asks the server for the result until
 * there is one (the notification or a query settles it, whatever the bridge said) and shows it.
 */
const bridgeScript = `(function () {
  var params = JSON.parse(document.getElementById('jsapi').textContent);
  var main = document.getElementById('pay');
  var message = document.getElementById('message');
  function pay() {
    WeixinJSBridge.invoke('getBrandWCPayRequest', params, function (res) {
      var said = res && res.err_msg;
      message.textContent = said === 'get_brand_wcpay_request:ok' ? '支付完成，正在确认结果…'
        : said === 'get_brand_wcpay_request:cancel' ? '你已取消支付，可点下方按钮重新支付' : '支付未完成，可点下方按钮重试';
    });
  }
  document.getElementById('again').addEventListener('click', function () {
    if (typeof WeixinJSBridge !== 'undefined') pay();
  });
  if (typeof WeixinJSBridge === 'undefined') {
    message.textContent = '请在微信中打开本页完成支付';
    document.addEventListener('WeixinJSBridgeReady', pay, false);
  } else pay();
  function poll() {
    fetch(main.getAttribute('data-status'), { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === 'created' || s.status === 'pending') setTimeout(poll, 2000);
        else location.replace(main.getAttribute('data-result'));
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 2000);
})();`;

export function jsapiPage(m: JsapiPageModel): string {
  return layout(
    `向${m.merchantName}付款`,
    html`<header><h1>${m.merchantName}</h1><p>${m.storeName}</p></header>
<main id="pay" data-status="${m.statusUrl}" data-result="${m.resultUrl}"><div class="card"><p class="hint">应付金额</p>
<div class="amount">${formatFen(m.amountFen)}</div><p class="hint" id="message">正在打开微信支付…</p>
<button type="button" id="again">微信支付</button></div></main>
<script type="application/json" id="jsapi">${scriptJson(m.params)}</script>
<script nonce="${m.nonce}">${new SafeHtml(bridgeScript)}</script>`,
  );
}

const outcomes: Record<Payment['status'], { headline: string; detail: string }> = {
  succeeded: { headline: '支付成功', detail: '商户已收到付款。' },
  created: { headline: '正在确认支付结果…', detail: '请稍候，本页会自动刷新。' },
  pending: { headline: '正在确认支付结果…', detail: '请稍候，本页会自动刷新。' },
  failed: { headline: '支付失败', detail: '未扣款，请重新扫码或向店员付款。' },
  expired: { headline: '未支付，订单已关闭', detail: '如需付款，请重新扫码。' },
  cancelled: { headline: '未支付，订单已取消', detail: '如需付款，请重新扫码。' },
};

/** What the customer sees after the wallet: the payment as the server knows it, refreshed while it waits. */
export function resultPage(m: ResultPageModel): string {
  const { payment } = m;
  const outcome = outcomes[payment.status];
  const waiting = payment.status === 'created' || payment.status === 'pending';
  return layout(
    outcome.headline,
    html`<header><h1>${m.merchantName}</h1><p>${m.storeName}</p></header><main><div class="card">
<p class="${payment.status === 'succeeded' ? 'wallet' : waiting ? 'hint' : 'stop'}">${outcome.headline}</p>
<div class="amount">${formatFen(payment.amount_fen)}</div>
<p class="hint">${payment.status === 'failed' && payment.failure_reason ? payment.failure_reason : outcome.detail}</p>
<p class="hint">订单号 ${payment.out_trade_no}</p></div></main>`,
    waiting ? html`<meta http-equiv="refresh" content="2">` : null,
  );
}
