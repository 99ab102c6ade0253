import type { AppContext } from '../context.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * How long rows are kept once they are of no more use. Idempotency keys: a day, as payment APIs keep them
 * (a retry a day later is a new request). Finished outbox rows: a week, for looking into a side effect
 * (failed ones stay). One-time codes: a day past their expiry. Rate-limit windows: two days (the longest
 * window is an hour).
 */
export const retention = {
  idempotencyKeysMs: day,
  doneOutboxMs: 7 * day,
  otpCodesAfterExpiryMs: day,
  rateLimitWindowsMs: 2 * day,
};

export interface Swept {
  sessions: number;
  otpCodes: number;
  rateLimitWindows: number;
  idempotencyKeys: number;
  outbox: number;
}

/**
 * Removes what has outlived its use (expired sessions, old one-time codes, rate-limit windows, idempotency
 * keys, finished outbox rows), so that the tables a busy shop writes on every sale do not grow without end.
 * Each server process sweeps once an hour; the deletes are by age, so two processes sweeping at once only
 * share the work.
 */
export class Housekeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopping = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly sliceRows = 2_000,
    private readonly everyMs = hour,
  ) {}

  /** The first sweep comes a minute after the start, not during it. */
  start(): void {
    this.stopping = false;
    this.schedule(minute);
  }

  /** A sweep under way ends after its current slice; the rest waits for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async sweep(): Promise<Swept> {
    const now = this.ctx.now();
    const { housekeeping: h } = this.ctx.repos;
    const swept: Swept = {
      sessions: await this.inSlices((n) => h.deleteExpiredSessions(now, n)),
      otpCodes: await this.inSlices((n) => h.deleteOtpCodesExpiredBefore(now - retention.otpCodesAfterExpiryMs, n)),
      rateLimitWindows: await this.inSlices((n) => h.deleteRateLimitWindowsBefore(now - retention.rateLimitWindowsMs, n)),
      idempotencyKeys: await this.inSlices((n) => h.deleteIdempotencyKeysBefore(now - retention.idempotencyKeysMs, n)),
      outbox: await this.inSlices((n) => h.deleteDoneOutboxBefore(now - retention.doneOutboxMs, n)),
    };
    if (Object.values(swept).some((n) => n > 0)) this.ctx.log.info({ swept }, 'housekeeping: old rows removed');
    return swept;
  }

  private async inSlices(deleteSlice: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    while (!this.stopping) {
      const deleted = await deleteSlice(this.sliceRows);
      total += deleted;
      if (deleted < this.sliceRows) break;
      // SQLite answers without ever leaving the event loop: give the requests waiting a turn between slices.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return total;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .catch((err: unknown) => this.ctx.log.error({ err }, 'housekeeping sweep failed'))
        .finally(() => {
          this.running = undefined;
          if (!this.stopping) this.schedule(this.everyMs);
        });
    }, delay);
    this.timer.unref();
  }
}
