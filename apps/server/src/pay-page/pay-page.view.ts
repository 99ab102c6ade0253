import { formatFen } from '@paydesk/domain';
import { notices } from '../codes/notices.ts';
import { html, SafeHtml } from './html.ts';

export interface WalletOption {
  method: 'wechatpay' | 'alipay' | 'unionpay';
  label: string;
  /** Where the customer goes: the wallet's own code URL (Alipay allows a redirect). */
  url: string;
  imageUrl: string;
  personal: boolean;
}

export interface PayPageModel {
  merchantName: string;
  storeName: string;
  serial: string;
  app: 'wechat' | 'alipay' | 'unionpay' | 'qq' | 'other';
  kind: 'static' | 'dynamic';
  amountFen: number | null;
  enteredAmountFen: number | null;
  amountError: boolean;
  expiresAt: number;
  now: number;
  wallets: WalletOption[];
  /** The wallet the customer pays in directly, through the merchant's own account, once the amount is known. */
  direct: string | null;
}

const style = `
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;background:#f5f5f5;color:#1f1f1f}
header{background:#1677ff;color:#fff;padding:20px 16px;text-align:center}header h1{margin:0;font-size:22px}header p{margin:6px 0 0;font-size:14px;opacity:.9}
main{max-width:480px;margin:0 auto;padding:16px}.card{background:#fff;border-radius:12px;padding:16px;margin-bottom:12px;text-align:center}
.amount{font-size:40px;font-weight:600;margin:8px 0}.qr{width:240px;height:240px;image-rendering:pixelated}
.hint{color:#595959;font-size:14px;line-height:1.6}.notice{color:#ad6800;background:#fffbe6;border:1px solid #ffe58f;border-radius:8px;padding:10px;font-size:13px;text-align:left;line-height:1.6}
.error{color:#cf1322;font-size:15px}.stop{font-size:22px;color:#cf1322;margin:24px 0 8px}
input{width:100%;font-size:28px;padding:12px;border:1px solid #d9d9d9;border-radius:8px;text-align:center}
button,.btn{display:block;width:100%;margin-top:12px;padding:14px;font-size:18px;border:0;border-radius:8px;background:#1677ff;color:#fff;text-decoration:none}
.wallet{font-size:18px;font-weight:600;margin:8px 0}footer{text-align:center;color:#8c8c8c;font-size:12px;padding:12px}`;

export function layout(title: string, body: SafeHtml, head: SafeHtml | null = null): string {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">${head}<title>${title}</title><style>${new SafeHtml(style)}</style></head>
<body>${body}</body></html>`.value;
}

/** A code that must take no money: disabled, expired, not yet valid, or unknown. */
export function stopPage(merchantName: string | null, headline: string, detail: string): string {
  return layout(
    headline,
    html`${merchantName ? html`<header><h1>${merchantName}</h1></header>` : ''}
<main><div class="card"><p class="stop">${headline}</p><p class="hint">${detail}</p></div></main>`,
  );
}

function walletBlock(w: WalletOption, amountText: string | null): SafeHtml {
  return html`<div class="card"><div class="wallet">${w.label}</div>
<img class="qr" src="${w.imageUrl}" alt="${w.label}收款码">
<p class="hint">${amountText ? html`请付款 <b>${amountText}</b>。` : ''}长按识别二维码，或截图后在${w.label}中扫一扫付款。</p>
${w.personal ? html`<p class="notice">${notices.personalCode.zh}</p>` : ''}</div>`;
}

export function payPage(m: PayPageModel): string {
  const fixed = m.kind === 'dynamic' && m.amountFen !== null;
  const amountFen = fixed ? m.amountFen : m.enteredAmountFen;
  const amountText = amountFen !== null ? formatFen(amountFen) : null;
  const mine = m.wallets.filter((w) =>
    m.app === 'wechat'
      ? w.method === 'wechatpay'
      : m.app === 'alipay'
        ? w.method === 'alipay'
        : m.app === 'unionpay'
          ? w.method === 'unionpay'
          : true,
  );
  const shown = mine.length > 0 ? mine : m.wallets;
  const minutesLeft = Math.max(0, Math.ceil((m.expiresAt - m.now) / 60_000));

  const amountPart = fixed
    ? html`<div class="card"><p class="hint">应付金额</p><div class="amount">${amountText}</div><p class="hint">此付款码 ${minutesLeft} 分钟内有效</p></div>`
    : html`<div class="card"><form method="get"><label class="hint" for="amount">请输入付款金额（元）</label>
<input id="amount" name="amount" inputmode="decimal" autocomplete="off" placeholder="0.00" value="${amountText ? amountText.replace(/[¥,]/g, '') : ''}">
${m.amountError ? html`<p class="error">金额无效：请输入大于 0 的金额，最多两位小数</p>` : ''}
<button type="submit">确定</button></form></div>`;

  const walletPart = m.direct
    ? html`<div class="card"><p class="hint">输入金额并确定后，在${m.direct}中完成付款。</p></div>`
    : m.wallets.length === 0
      ? html`<div class="card"><p class="hint">商户尚未绑定收款方式，请向店员付款。</p></div>`
      : m.app === 'other' || m.app === 'qq'
        ? html`<div class="card"><p class="hint">请用微信、支付宝或云闪付扫描本页二维码；或选择下面的钱包：</p></div>${shown.map((w) => walletBlock(w, amountText))}`
        : shown.map((w) =>
            w.method === 'alipay'
              ? html`<div class="card"><div class="wallet">${w.label}</div>${amountText ? html`<p class="hint">请付款 <b>${amountText}</b></p>` : ''}<a class="btn" href="${w.url}">打开支付宝付款</a>${w.personal ? html`<p class="notice">${notices.personalCode.zh}</p>` : ''}</div>`
              : walletBlock(w, amountText),
          );

  return layout(
    `向${m.merchantName}付款`,
    html`<header><h1>${m.merchantName}</h1><p>${m.storeName}</p></header><main>
${amountPart}${amountText || fixed || m.wallets.length === 0 || m.direct ? walletPart : html`<div class="card"><p class="hint">输入金额后显示付款方式</p></div>`}
${m.wallets.length > 0 && !m.direct ? html`<p class="notice">${notices.staticLimit.zh}</p>` : ''}
</main><footer>收款码编号 ${m.serial} · 请核对收款方名称后再付款</footer>`,
  );
}
