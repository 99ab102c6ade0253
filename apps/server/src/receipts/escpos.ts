import { formatFen } from '@paydesk/domain';
import iconv from 'iconv-lite';
import { columnsFor, pair, printable, rule, textWidth, wrap } from './columns.ts';
import type { Receipt } from './model.ts';

const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;
const LF = 0x0a;

/** ¥ (U+00A5) is not in GBK, so most Chinese printers print it as "?"; the full-width ￥ is (A3A4). */
const money = (fen: number) => formatFen(fen).replace('¥', '￥');

/**
 * A receipt as raw ESC/POS. Library encoders print Chinese as "??" through their code pages, so the
 * text is GB18030 bytes sent inside the printer's Chinese (Kanji) mode: FS & … FS . (toolchain.md).
 */
export function renderEscPos(r: Receipt, widthMm: 58 | 80): Buffer {
  const cols = columnsFor(widthMm);
  const out: Buffer[] = [];
  const bytes = (...b: number[]) => out.push(Buffer.from(b));
  const lines = (texts: string[]) => {
    for (const t of texts) out.push(iconv.encode(printable(t), 'gb18030'), Buffer.from([LF]));
  };
  const align = (n: 0 | 1) => bytes(ESC, 0x61, n);
  const bold = (on: boolean) => bytes(ESC, 0x45, on ? 1 : 0);
  /** GS ! applies to hanzi too; double height keeps the column count, double width halves it. */
  const size = (n: 0x00 | 0x01 | 0x11) => bytes(GS, 0x21, n);

  bytes(ESC, 0x40); // ESC @: initialise
  bytes(FS, 0x26); // FS &: Chinese mode

  align(1);
  bold(true);
  // Double width too when the name fits half the paper; a longer name stays on one line at double height only.
  const title = textWidth(printable(r.merchantName)) <= cols / 2;
  size(title ? 0x11 : 0x01);
  lines(wrap(r.merchantName, title ? cols / 2 : cols));
  size(0x00);
  bold(false);
  lines(wrap(r.storeName, cols));
  if (r.stationName) lines(wrap(r.stationName, cols));
  align(0);

  lines([rule(cols)]);
  lines(pair('收银员', r.cashierName, cols));
  lines(pair('时间', r.time, cols));
  lines(pair('单号', r.outTradeNo, cols));
  lines([rule(cols)]);
  for (const l of r.lines) {
    lines(wrap(l.name, cols));
    lines(pair(`  ${l.quantity} × ${money(l.unitFen)}`, money(l.amountFen), cols));
  }
  lines([rule(cols)]);

  bold(true);
  size(0x01);
  lines(pair('合计', money(r.totalFen), cols));
  size(0x00);
  bold(false);
  if (r.roundingFen !== 0) lines(pair('抹零', money(-r.roundingFen), cols));
  lines(pair('支付方式', r.method, cols));
  lines(pair('实收', money(r.paidFen), cols));
  if (r.tenderedFen !== null) lines(pair('收现金', money(r.tenderedFen), cols));
  if (r.changeFen !== null) lines(pair('找零', money(r.changeFen), cols));
  for (const f of r.refunds) {
    lines(pair(`退款（${f.status}）`, money(-f.amountFen), cols));
    lines(wrap(`  ${f.time} ${f.reason}`, cols));
  }
  lines(pair('状态', r.status, cols));
  if (r.channelTradeNo) lines(pair('渠道交易号', r.channelTradeNo, cols));
  lines([rule(cols)]);

  align(1);
  lines([...wrap('谢谢惠顾，欢迎再次光临', cols), '', '']);
  align(0);
  bytes(FS, 0x2e); // FS .: leave Chinese mode
  bytes(GS, 0x56, 66, 0); // GS V 66 0: feed to the cutter and cut
  return Buffer.concat(out);
}
