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

  constructor(
    private readonly ctx: AppContext,
    private readonly sliceRows = 5_000,
    private readonly everyMs = hour,
  ) {}

  /** The first sweep comes a minute after the start, not during it. */
  start(): void {
    this.schedule(minute);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async sweep(): Promise<Swept> {
    const now = this.ctx.now();
    const { housekeeping } = this.ctx.repos;
    const swept: Swept = {
      sessions: await housekeeping.deleteExpiredSessions(now),
      otpCodes: await housekeeping.deleteOtpCodesExpiredBefore(now - retention.otpCodesAfterExpiryMs),
      rateLimitWindows: await housekeeping.deleteRateLimitWindowsBefore(now - retention.rateLimitWindowsMs),
      idempotencyKeys: await this.inSlices((limit) => housekeeping.deleteIdempotencyKeysBefore(now - retention.idempotencyKeysMs, limit)),
      outbox: await this.inSlices((limit) => housekeeping.deleteDoneOutboxBefore(now - retention.doneOutboxMs, limit)),
    };
    if (Object.values(swept).some((n) => n > 0)) this.ctx.log.info({ swept }, 'housekeeping: old rows removed');
    return swept;
  }

  private async inSlices(deleteSlice: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await deleteSlice(this.sliceRows);
      total += deleted;
      if (deleted < this.sliceRows) return total;
    }
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .catch((err: unknown) => this.ctx.log.error({ err }, 'housekeeping sweep failed'))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.schedule(this.everyMs);
        });
    }, delay);
    this.timer.unref();
  }
}
