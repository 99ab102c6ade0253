import { beijingTimestamp } from './time.ts';

/**
 * The local gateway's asynchronous notifications: a form POST to the trade's notify_url, signed afresh at
 * each attempt (notify_time changes), retried on the gateway's clock until the answer is exactly
 * `success`, the way Alipay retries (about 8 times over 25 hours). On request it duplicates, delays or
 * loses them, because the real one does all three.
 */
export const alipayRetryDelaysMs = [4, 10, 10, 60, 120, 360, 900].map((minutes) => minutes * 60_000);

export interface NotificationBehaviour {
  /** Send each notification this many extra times (the same notify_id, as Alipay's duplicates carry). */
  duplicates?: number;
  /** Hold each first attempt back this long, on the gateway's clock. */
  delayMs?: number;
  /** Send nothing: only a query will find out. */
  lose?: boolean;
}

export interface DeliveryAttempt {
  at: number;
  /** The HTTP status, or null when the shop's server could not be reached. */
  status: number | null;
  answer: string;
}

export interface NotificationRecord {
  notifyId: string;
  outTradeNo: string;
  tradeStatus: string;
  url: string;
  state: 'pending' | 'acknowledged' | 'lost' | 'abandoned';
  dueAt: number;
  attempts: DeliveryAttempt[];
  /** The fields as last sent, signed. */
  lastSent?: Record<string, string>;
}

interface Pending {
  record: NotificationRecord;
  fields: Record<string, string>;
}

const deliveryTimeoutMs = 5_000;

export class Notifier {
  private readonly queue: Pending[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sending = new WeakSet<Pending>();
  private behaviour: NotificationBehaviour = {};
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly now: () => number,
    private readonly sign: (fields: Record<string, string>) => Record<string, string>,
    private readonly retryDelaysMs: readonly number[] = alipayRetryDelaysMs,
  ) {}

  setBehaviour(behaviour: NotificationBehaviour): void {
    this.behaviour = { ...behaviour };
  }

  enqueue(url: string, fields: Record<string, string>): void {
    const copies = 1 + (this.behaviour.duplicates ?? 0);
    for (let i = 0; i < copies; i += 1) {
      const record: NotificationRecord = {
        notifyId: fields.notify_id ?? '',
        outTradeNo: fields.out_trade_no ?? '',
        tradeStatus: fields.trade_status ?? '',
        url,
        state: this.behaviour.lose ? 'lost' : 'pending',
        dueAt: this.now() + (this.behaviour.delayMs ?? 0),
        attempts: [],
      };
      this.queue.push({ record, fields });
    }
    // Alipay does not wait for its own answer to the payment call: the notification may arrive first.
    void this.deliverDue();
  }

  /** Sends every notification that is due on the gateway's clock and waits for all deliveries under way. */
  async deliverDue(): Promise<void> {
    const now = this.now();
    for (const pending of this.queue) {
      const r = pending.record;
      if (r.state === 'pending' && r.dueAt <= now && !this.sending.has(pending)) this.track(pending, this.attempt(pending));
    }
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  records(): NotificationRecord[] {
    return this.queue.map((p) => ({ ...p.record, attempts: [...p.record.attempts] }));
  }

  /** Delivers due notifications every `tickMs` of real time, so retries happen when the clock is moved on. */
  start(tickMs: number): void {
    this.ticker = setInterval(() => void this.deliverDue(), tickMs);
    this.ticker.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(p: Pending, delivery: Promise<void>): void {
    this.sending.add(p);
    const done = delivery.finally(() => {
      this.sending.delete(p);
      this.inFlight.delete(done);
    });
    this.inFlight.add(done);
  }

  private async attempt(p: Pending): Promise<void> {
    const r = p.record;
    const signed = this.sign({ ...p.fields, notify_time: beijingTimestamp(this.now()) });
    r.lastSent = signed;
    let status: number | null = null;
    let answer = '';
    try {
      const response = await fetch(r.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(signed).toString(),
        signal: AbortSignal.timeout(deliveryTimeoutMs),
      });
      status = response.status;
      answer = await response.text();
    } catch (err) {
      answer = (err as Error).message;
    }
    r.attempts.push({ at: this.now(), status, answer });
    // Only the seven letters count: "SUCCESS", "success\n" or anything else is a failure, and so is an error status.
    if (status === 200 && answer === 'success') {
      r.state = 'acknowledged';
      return;
    }
    const delay = this.retryDelaysMs[r.attempts.length - 1];
    if (delay === undefined) r.state = 'abandoned';
    else r.dueAt = this.now() + delay;
  }
}
