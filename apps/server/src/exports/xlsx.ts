import type { Writable } from 'node:stream';
import { type RecordRow, type RecordTotals, recordColumns } from './records.ts';

const widths = [20, 26, 38, 16, 14, 12, 10, 10, 12, 12, 10, 24, 32];
/** 金额 and 已退款 (1-based). Formatted per cell: a column style makes exceljs style every cell, about 2× slower. */
const yuanColumns = [9, 10];

/**
 * Integer fen → a yuan number for a '0.00' cell. fen / 100 is the double nearest the exact decimal, so the
 * cell shows and sums right in Excel; the file keeps numbers (not text) so the owner can total them there.
 */
const yuan = (fen: number) => fen / 100;

/**
 * Streams the workbook to `out` row by row (exceljs' streaming writer), so 50,000 records never sit in
 * memory as a whole workbook. Every cell is a plain string or number: an XLSX string is never a formula.
 */
export async function writeXlsx(out: Writable, pages: AsyncIterable<RecordRow[]>, totals: RecordTotals): Promise<void> {
  // exceljs is large: loaded on the first export, not at every server start.
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = book.addWorksheet('交易流水', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = recordColumns.map((header, i) => ({ header, width: widths[i] ?? 12 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const page of pages) {
    for (const r of page) {
      const row = sheet.addRow([
        r.time,
        r.outTradeNo,
        r.orderId,
        r.store,
        r.station,
        r.cashier,
        r.method,
        r.flow,
        yuan(r.amountFen),
        yuan(r.refundedFen),
        r.status,
        r.failureReason,
        r.channelTradeNo,
      ]);
      for (const c of yuanColumns) row.getCell(c).numFmt = '0.00';
      row.commit();
    }
  }
  const last = sheet.addRow([
    '合计',
    `${totals.count} 笔`,
    '',
    '',
    '',
    '',
    '',
    '',
    yuan(totals.succeededFen),
    yuan(totals.refundedFen),
    '金额仅计已支付',
  ]);
  last.font = { bold: true };
  for (const c of yuanColumns) last.getCell(c).numFmt = '0.00';
  last.commit();
  sheet.commit();
  await book.commit();
}
