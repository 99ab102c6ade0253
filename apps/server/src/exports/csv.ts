import { fenToYuanString } from '@paydesk/domain';
import { type RecordRow, type RecordTotals, recordColumns } from './records.ts';

/** Excel reads a UTF-8 CSV as the local ANSI code page (GBK on Chinese Windows) unless it starts with a BOM. */
const bom = '\uFEFF';

/**
 * One RFC 4180 field. A cell that a spreadsheet would run as a formula (= + - @, or tab/CR before one,
 * OWASP's list) gets a leading apostrophe: a store or staff name is typed by people and must never execute.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Excel turns a long digit string (a wallet's 28-digit transaction id) into 4.2E+27 and loses digits; a
 * leading tab makes it keep the text. Applied after csvCell's check, so it cannot hide a formula.
 */
const keepDigits = (value: string) => (/^\d{12,}$/.test(value) ? `"\t${value}"` : csvCell(value));

const line = (cells: string[]) => `${cells.join(',')}\r\n`;

function rowLine(r: RecordRow): string {
  return line([
    csvCell(r.time),
    keepDigits(r.outTradeNo),
    keepDigits(r.orderId),
    csvCell(r.store),
    csvCell(r.station),
    csvCell(r.cashier),
    csvCell(r.method),
    csvCell(r.flow),
    fenToYuanString(r.amountFen),
    fenToYuanString(r.refundedFen),
    csvCell(r.status),
    csvCell(r.failureReason),
    keepDigits(r.channelTradeNo),
  ]);
}

/** The last line: count, what was taken (succeeded payments only, as the list's totals) and what went back. */
export function totalsCells(totals: RecordTotals): string[] {
  return [
    '合计',
    `${totals.count} 笔`,
    '',
    '',
    '',
    '',
    '',
    '',
    fenToYuanString(totals.succeededFen),
    fenToYuanString(totals.refundedFen),
    '金额仅计已支付',
    '',
    '',
  ];
}

/** The CSV file as chunks (one per page of records), for streaming to the client. */
export async function* csvChunks(pages: AsyncIterable<RecordRow[]>, totals: RecordTotals): AsyncGenerator<string> {
  yield bom + line([...recordColumns]);
  for await (const page of pages) yield page.map(rowLine).join('');
  yield line(totalsCells(totals).map(csvCell));
}
