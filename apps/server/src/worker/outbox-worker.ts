import type { OutboxRow } from '@paydesk/db';
import type { AppContext } from '../context.ts';

export type OutboxHandler = (payload: unknown, row: OutboxRow) => Promise<void>;

const leaseMs = 60_000;
const maxAttempts = 12;

/** 2 s, 4 s, 8 s … capped at 30 minutes, with jitter so that many failures do not retry in step. */
export function backoffMs(attempt: number): number {
  const base = Math.min(2_000 * 2 ** attempt, 30 * 60_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Runs the side effects that services wrote to the outbox. Several processes may run one each: rows are
 * claimed with a lease, and finishing is conditional on still holding it.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Until start(), nudges do nothing: an app built with startWorker: false runs passes only by hand. */
  private stopped = true;

  constructor(
    private readonly ctx: AppContext,
    private readonly handlers: Record<string, OutboxHandler>,
    private readonly pollMs = 1_000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs soon; if a pass is under way, runs once more after it. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over everything due now; returns how many rows it handled. Tests call it directly. */
  async runOnce(): Promise<number> {
    const now = this.ctx.now();
    const rows = await this.ctx.repos.outbox.claimDue(now, leaseMs, 50);
    // Handlers act outside the process (messages, gateway calls) on rows whose commits must not be undone
    // by a power cut after the fact.
    if (rows.length > 0) await this.ctx.db.durable();
    for (const row of rows) await this.handle(row);
    return rows.length;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      try {
        let handled = await this.runOnce();
        while (!this.stopped && (handled > 0 || this.again)) {
          this.again = false;
          handled = await this.runOnce();
        }
      } catch (err) {
        this.ctx.log.error({ err }, 'outbox pass failed');
      }
    })();
    await this.running;
    this.running = undefined;
    this.schedule(this.pollMs);
  }

  private async handle(row: OutboxRow): Promise<void> {
    const lease = row.locked_until ?? 0;
    const handler = this.handlers[row.topic];
    try {
      if (!handler) throw new Error(`no handler for topic ${row.topic}`);
      await handler(JSON.parse(row.payload), row);
      await this.ctx.repos.outbox.markDone(row.id, lease, this.ctx.now());
    } catch (err) {
      const attempt = row.attempts + 1;
      const retryAt = attempt >= maxAttempts ? null : this.ctx.now() + backoffMs(attempt);
      this.ctx.log.warn({ outboxId: row.id, topic: row.topic, attempt, err: (err as Error).message }, 'outbox message failed');
      await this.ctx.repos.outbox.markFailed(row.id, lease, String((err as Error).message), retryAt);
    }
  }
}
