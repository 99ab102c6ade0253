import type { CollectionCode } from '@paydesk/db';
import { formatFen } from '@paydesk/domain';
import sharp from 'sharp';
import { renderQrPng } from '../qr/render.ts';
import { findCjkFont } from './fonts.ts';

export interface CardInput {
  code: CollectionCode;
  storeName: string;
  format: 'pdf' | 'png';
  size: 'A6' | 'A5';
  now: number;
}

const walletLabels: Record<string, string[]> = {
  paydesk: ['微信支付', '支付宝', '云闪付'],
  wechat: ['微信支付'],
  alipay: ['支付宝'],
  unionpay: ['云闪付', '银联'],
  emvco: ['云闪付', '银联'],
  qq: ['QQ钱包'],
};

const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** What the card says, in one place for both formats. */
export function cardText(code: CollectionCode, storeName: string) {
  const wallets = walletLabels[code.provider] ?? [];
  return {
    merchant: code.merchant_name,
    store: storeName,
    wallets: wallets.join(' · '),
    amount: code.amount_fen !== null ? formatFen(code.amount_fen) : null,
    instruction: wallets.length > 1 ? `请使用${wallets.slice(0, 3).join('、')}扫码付款` : `请使用${wallets[0] ?? '手机'}扫码付款`,
    validity: `有效期 ${dateFormat.format(code.valid_from)} 至 ${dateFormat.format(code.expires_at)}`,
    serial: `编号 ${code.serial}`,
  };
}

// Points (1/72 inch): ISO A6 is 105 × 148 mm, A5 148 × 210 mm.
const pageSizes = { A6: [297.64, 419.53], A5: [419.53, 595.28] } as const;

export async function renderCard(input: CardInput): Promise<Buffer> {
  return input.format === 'pdf' ? renderPdf(input) : renderPng(input);
}

async function renderPdf({ code, storeName, size }: CardInput): Promise<Buffer> {
  // pdfkit is large: loaded on the first card printed, not at every server start.
  const { default: PDFDocument } = await import('pdfkit');
  const font = findCjkFont();
  const text = cardText(code, storeName);
  const [width, height] = pageSizes[size];
  const unit = width / 297.64;
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    info: { Title: `${text.merchant} ${text.serial}`, Producer: 'Paydesk' },
  });
  doc.registerFont('cjk', font.path, font.postscriptName);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.rect(0, 0, width, 62 * unit).fill('#1677ff');
  doc
    .fillColor('#ffffff')
    .font('cjk')
    .fontSize(17 * unit)
    .text(text.merchant, 14 * unit, 14 * unit, { width: width - 28 * unit, align: 'center', lineBreak: false, ellipsis: true });
  doc
    .fontSize(10 * unit)
    .text(text.store, 14 * unit, 38 * unit, { width: width - 28 * unit, align: 'center', lineBreak: false, ellipsis: true });

  const qrSize = 190 * unit;
  doc.image(renderQrPng(code.content, { sizePx: 1024, margin: 2, ecLevel: 'M' }), (width - qrSize) / 2, 74 * unit, {
    width: qrSize,
    height: qrSize,
  });
  let y = 74 * unit + qrSize + 8 * unit;
  doc.fillColor('#000000');
  if (text.amount) {
    doc.fontSize(18 * unit).text(text.amount, 0, y, { width, align: 'center' });
    y += 24 * unit;
  }
  doc.fontSize(12 * unit).text(text.wallets, 0, y, { width, align: 'center' });
  y += 18 * unit;
  doc.fontSize(10 * unit).text(text.instruction, 0, y, { width, align: 'center' });
  doc.fillColor('#555555').fontSize(7 * unit);
  doc.text(text.validity, 0, height - 34 * unit, { width, align: 'center' });
  doc.text(text.serial, 0, height - 22 * unit, { width, align: 'center' });
  doc.end();
  return done;
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The same card as a PNG (for phones and chat), drawn as SVG text over the code by sharp. */
async function renderPng({ code, storeName, size }: CardInput): Promise<Buffer> {
  findCjkFont();
  const text = cardText(code, storeName);
  const scale = size === 'A5' ? 2 : 1.4;
  const [w, h] = pageSizes[size].map((v) => Math.round((v / (size === 'A5' ? Math.SQRT2 : 1)) * scale)) as [number, number];
  const qr = Math.round(w * 0.64);
  const family = "WenQuanYi Micro Hei, Noto Sans CJK SC, 'Noto Sans CJK SC', sans-serif";
  const line = (y: number, px: number, s: string, fill = '#000') =>
    `<text x="${w / 2}" y="${y}" font-family="${family}" font-size="${px}" fill="${fill}" text-anchor="middle">${escapeXml(s)}</text>`;
  let y = Math.round(h * 0.2 + qr + w * 0.08);
  const lines = [
    line(Math.round(h * 0.075), Math.round(w * 0.058), text.merchant, '#fff'),
    line(Math.round(h * 0.125), Math.round(w * 0.034), text.store, '#fff'),
  ];
  if (text.amount) {
    lines.push(line(y, Math.round(w * 0.06), text.amount));
    y += Math.round(w * 0.08);
  }
  lines.push(line(y, Math.round(w * 0.04), text.wallets), line(y + Math.round(w * 0.06), Math.round(w * 0.034), text.instruction));
  lines.push(
    line(h - Math.round(w * 0.09), Math.round(w * 0.024), text.validity, '#555'),
    line(h - Math.round(w * 0.05), Math.round(w * 0.024), text.serial, '#555'),
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#fff"/><rect width="${w}" height="${Math.round(h * 0.15)}" fill="#1677ff"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg))
    .composite([{ input: renderQrPng(code.content, { sizePx: qr, margin: 2 }), left: Math.round((w - qr) / 2), top: Math.round(h * 0.18) }])
    .png()
    .toBuffer();
}
