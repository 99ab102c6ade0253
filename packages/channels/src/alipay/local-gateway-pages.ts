import { formatFen } from '@paydesk/domain';
import type { NotificationRecord } from './local-gateway-notifier.ts';
import type { Trade, TradeState } from './local-gateway-trades.ts';

/**
 * The few pages a person meets on the local gateway: the "Alipay app" a scanned code opens, the wap
 * cashier a store-code pay page redirects to, the error page the real gateway shows for a bad request,
 * and an overview. Every value from a request is escaped.
 */
const stateLabels: Record<TradeState, string> = {
  NOT_SCANNED: '等待扫码',
  WAIT_BUYER_PAY: '等待付款',
  TRADE_SUCCESS: '支付成功',
  TRADE_CLOSED: '交易已关闭',
  TRADE_FINISHED: '交易完结',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}
.amount{font-size:2.5rem;margin:.5rem 0}.muted{color:#777;font-size:.9rem}button{font-size:1.1rem;padding:.6rem 1.4rem;
margin:.3rem .3rem 0 0;border:0;border-radius:.4rem;background:#1677ff;color:#fff}button.secondary{background:#999}
table{border-collapse:collapse;width:100%;font-size:.85rem}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}</style>
</head><body><p class="muted">本地支付宝网关（测试用，不涉及真实资金）</p>${body}</body></html>`;
}

function tradeSummary(trade: Trade): string {
  return `<h1>${escapeHtml(trade.subject)}</h1>
<p class="amount">${escapeHtml(formatFen(trade.totalFen))}</p>
<p>状态：<strong data-state="${trade.state}">${stateLabels[trade.state]}</strong></p>
<p class="muted">商户订单号 ${escapeHtml(trade.outTradeNo)}</p>`;
}

const payable = (trade: Trade) => trade.state === 'WAIT_BUYER_PAY' || trade.state === 'NOT_SCANNED';

/** What the buyer's Alipay app shows after scanning a precreated code. */
export function qrPage(trade: Trade, payAction: string): string {
  const form = payable(trade) ? `<form method="post" action="${escapeHtml(payAction)}"><button type="submit">确认付款</button></form>` : '';
  return layout('支付宝付款', `${tradeSummary(trade)}${form}`);
}

/** The wap cashier (alipay.trade.wap.pay) the shop's pay page sends the buyer to. */
export function wapPage(trade: Trade, payAction: string, quitAction: string): string {
  const forms = payable(trade)
    ? `<form method="post" action="${escapeHtml(payAction)}"><button type="submit">确认付款</button></form>
<form method="post" action="${escapeHtml(quitAction)}"><button class="secondary" type="submit">放弃付款</button></form>`
    : '';
  return layout('支付宝收银台', `${tradeSummary(trade)}${forms}`);
}

export function errorPage(subCode: string, subMsg: string): string {
  return layout('支付宝 - 出错了', `<h1>抱歉，出错了</h1><p>错误代码 <code>${escapeHtml(subCode)}</code></p><p>${escapeHtml(subMsg)}</p>`);
}

export function indexPage(trades: Trade[], notifications: NotificationRecord[], pageUrl: (t: Trade) => string): string {
  const tradeRows = trades
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.appId)}</td><td><a href="${escapeHtml(pageUrl(t))}">${escapeHtml(t.outTradeNo)}</a></td>` +
        `<td>${escapeHtml(formatFen(t.totalFen))}</td><td>${stateLabels[t.state]}</td></tr>`,
    )
    .join('');
  const notifyRows = notifications
    .map(
      (n) =>
        `<tr><td>${escapeHtml(n.outTradeNo)}</td><td>${escapeHtml(n.tradeStatus)}</td><td>${n.state}</td><td>${n.attempts.length}</td></tr>`,
    )
    .join('');
  return layout(
    '本地支付宝网关',
    `<h1>交易</h1><table><tr><th>APPID</th><th>商户订单号</th><th>金额</th><th>状态</th></tr>${tradeRows}</table>
<h1>异步通知</h1><table><tr><th>商户订单号</th><th>交易状态</th><th>投递</th><th>次数</th></tr>${notifyRows}</table>`,
  );
}
