import { formatFen } from '@paydesk/domain';
import type { Trade } from './gateway-books.ts';

/**
 * The few HTML pages of the local gateway, for a person trying things by hand: the list of orders
 * waiting for a payer, the page a Native `code_url` leads to, and WeChat's "open this in WeChat" refusal.
 * Plain forms, no script, so they work in any browser.
 */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:1.5rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
.amount{font-size:2rem;font-weight:600}button{padding:.4rem .9rem;margin:.2rem}.pay{background:#07c160;color:#fff;border:0}
.muted{color:#777;font-size:.9rem}</style></head><body>${body}</body></html>`;
}

function decideForm(trade: Trade, back: string): string {
  const hidden = `<input type="hidden" name="mchid" value="${escapeHtml(trade.mchid)}"><input type="hidden" name="out_trade_no" value="${escapeHtml(trade.outTradeNo)}"><input type="hidden" name="back" value="${escapeHtml(back)}">`;
  const failLabel = trade.state === 'USERPAYING' ? '取消支付 (cancel)' : '支付失败 (fail)';
  const failAction = trade.state === 'USERPAYING' ? 'cancel' : 'fail';
  return `<form method="post" action="/ui/decide">${hidden}<button class="pay" name="action" value="pay">确认支付 (pay)</button><button name="action" value="${failAction}">${failLabel}</button></form>`;
}

export function indexPage(trades: Trade[], person: string): string {
  const rows = trades
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.mchid)}<br><span class="muted">${escapeHtml(t.outTradeNo)}</span></td><td>${t.tradeType}</td><td>${escapeHtml(formatFen(t.total))}</td><td>${t.state}</td><td>${decideForm(t, '/')}</td></tr>`,
    )
    .join('');
  return page(
    'WeChat Pay local gateway',
    `<h1>微信支付本地网关 · WeChat Pay local gateway</h1>
<p>当前微信用户 (acting as WeChat user): <b>${escapeHtml(person)}</b></p>
<form method="post" action="/ui/person"><input name="person" value="${escapeHtml(person)}" maxlength="32"><button>切换 (switch)</button></form>
<h2>待支付 (waiting for the payer)</h2>
${rows ? `<table><tr><th>商户/单号</th><th>类型</th><th>金额</th><th>状态</th><th></th></tr>${rows}</table>` : '<p class="muted">没有待支付的订单 (no orders waiting)</p>'}
<p class="muted">付款码 (payment codes): any 18 digits starting 10–15 pay at once up to ¥1000; above that the payer must "enter the password" here.</p>`,
  );
}

export function payPage(trade: Trade, merchantName: string): string {
  const open = trade.state === 'NOTPAY';
  return page(
    '微信支付',
    `<h1>${escapeHtml(merchantName)}</h1><p>${escapeHtml(trade.description)}</p><p class="amount">${escapeHtml(formatFen(trade.total))}</p>
<p>状态 (state): <b>${trade.state}</b> ${escapeHtml(trade.stateDesc)}</p>${open ? decideForm(trade, `/bizpayurl?pr=${trade.codeToken ?? ''}`) : ''}<p><a href="/">← all orders</a></p>`,
  );
}

export function messagePage(title: string, text: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}
