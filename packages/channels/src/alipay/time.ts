import { chinaUtcOffsetMs } from '@paydesk/domain';

// Alipay writes every time (request `timestamp`, `gmt_payment`, `notify_time`, …) as Beijing time,
// `yyyy-MM-dd HH:mm:ss` in UTC+8, whatever zone the server runs in (payments.md §8).
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch milliseconds → "2024-01-02 00:30:00" in Beijing time (`withMillis`: "….320", as refund times are written). */
export function beijingTimestamp(ms: number, withMillis = false): string {
  const d = new Date(ms + chinaUtcOffsetMs);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMillis ? `${date} ${time}.${pad(d.getUTCMilliseconds(), 3)}` : `${date} ${time}`;
}

/**
 * "2024-01-02 00:30:00" read as Beijing time → epoch milliseconds; anything else (or an impossible date)
 * → null. Refund times carry milliseconds ("2024-01-02 00:30:00.320"), which are kept.
 */
export function parseBeijingTime(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (!m?.[1]) return null;
  const [year, month, day, hour, minute, second] = m[1].split(/[- :]/).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - chinaUtcOffsetMs;
  // Date.UTC rolls 2024-02-30 over into March; a real time stamp reads back the same.
  if (beijingTimestamp(ms) !== m[1]) return null;
  return ms + Number((m[2] ?? '').padEnd(3, '0'));
}
