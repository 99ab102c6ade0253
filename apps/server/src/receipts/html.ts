import { createHash } from 'node:crypto';
import { formatFen } from '@paydesk/domain';
import { html, SafeHtml } from '../pay-page/html.ts';
import type { Receipt } from './model.ts';

/** Printed at once when opened with ?autoprint=1 (a hidden iframe or a new tab at the counter). */
const autoPrintScript = "addEventListener('load',function(){print()})";
/** The only script the page may run, allowed by its hash in the CSP: no inline script of any other kind. */
export const autoPrintHash = `'sha256-${createHash('sha256').update(autoPrintScript).digest('base64')}'`;

const row = (left: string, right: string, cls = '') =>
  html`<div class="${cls ? `row ${cls}` : 'row'}"><span>${left}</span><span>${right}</span></div>`;

/**
 * The receipt as a page sized to the roll: 58 mm paper prints about 48 mm, 80 mm about 72 mm. Every value
 * goes through the escaping `html` tag, so a merchant or product name can never become markup.
 */
export function renderReceiptHtml(r: Receipt, widthMm: 58 | 80, autoPrint: boolean): string {
  const fontPx = widthMm === 58 ? 12 : 14;
  const style = `@page { size: ${widthMm}mm auto; margin: 0 }
* { box-sizing: border-box }
html, body { margin: 0; padding: 0; background: #fff; color: #000 }
body { width: ${widthMm}mm; padding: 3mm ${widthMm === 58 ? 3 : 4}mm 6mm;
  font: ${fontPx}px/1.45 "SimSun", "Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", ui-monospace, monospace }
h1 { font-size: 1.35em; margin: 0 0 1mm; text-align: center; word-break: break-all }
.c { text-align: center }
.row { display: flex; justify-content: space-between; gap: 1em }
.row > span:last-child { text-align: right; white-space: nowrap }
.item { word-break: break-all }
.total { font-weight: bold; font-size: 1.3em }
.muted { font-size: 0.9em }
hr { border: 0; border-top: 1px dashed #000; margin: 1.5mm 0 }
@media screen { body { margin: 1em auto; outline: 1px solid #ddd } }`;

  // The style and the script are our constants (raw text in <style>/<script>, where entities would not decode).
  const page = html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>小票 ${r.outTradeNo}</title>
<style>${new SafeHtml(style)}</style>
${autoPrint && html`<script>${new SafeHtml(autoPrintScript)}</script>`}
</head>
<body>
<h1>${r.merchantName}</h1>
<div class="c">${r.storeName}</div>
${r.stationName && html`<div class="c">${r.stationName}</div>`}
<hr>
${row('收银员', r.cashierName)}
${row('时间', r.time)}
${row('单号', r.outTradeNo)}
<hr>
${r.lines.map((l) => html`<div class="item">${l.name}</div>${row(`  ${l.quantity} × ${formatFen(l.unitFen)}`, formatFen(l.amountFen), 'muted')}`)}
<hr>
${row('合计', formatFen(r.totalFen), 'total')}
${r.roundingFen !== 0 && row('抹零', formatFen(-r.roundingFen))}
${row('支付方式', r.method)}
${row('实收', formatFen(r.paidFen))}
${r.tenderedFen !== null && row('收现金', formatFen(r.tenderedFen))}
${r.changeFen !== null && row('找零', formatFen(r.changeFen))}
${r.refunds.map((f) => html`${row(`退款（${f.status}）`, formatFen(-f.amountFen))}<div class="muted">${f.time} ${f.reason}</div>`)}
${row('状态', r.status)}
${r.channelTradeNo && html`<div class="muted">渠道交易号 ${r.channelTradeNo}</div>`}
<hr>
<div class="c">谢谢惠顾，欢迎再次光临</div>
</body>
</html>`;
  return page.toString();
}
