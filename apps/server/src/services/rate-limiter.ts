import type { RateLimitRepository } from '@paydesk/db';
import { DomainError, type ErrorCode } from '@paydesk/domain';

export interface Limit {
  max: number;
  windowMs: number;
}

/** Fixed windows kept in the database, so every server process counts against the same limit. */
export class RateLimiter {
  constructor(
    private readonly repo: RateLimitRepository,
    private readonly now: () => number,
  ) {}

  windowStart(windowMs: number): number {
    const now = this.now();
    return now - (now % windowMs);
  }

  /** Counts one hit; throws when the limit was already used up. */
  async consume(key: string, limit: Limit, code: ErrorCode = 'RATE_LIMITED'): Promise<void> {
    const count = await this.repo.hit(key, this.windowStart(limit.windowMs));
    if (count > limit.max) throw new DomainError(code);
  }

  async isExhausted(key: string, limit: Limit): Promise<boolean> {
    return (await this.repo.count(key, this.windowStart(limit.windowMs))) >= limit.max;
  }

  async reset(key: string): Promise<void> {
    await this.repo.reset(key);
  }

  /** Starts a lock on key now; it holds for as long as the caller's isLocked says. */
  async lock(key: string): Promise<void> {
    await this.repo.hit(key, this.now());
  }

  async isLocked(key: string, durationMs: number): Promise<boolean> {
    const since = await this.repo.latestWindowStart(key);
    return since !== undefined && this.now() - since < durationMs;
  }
}

/**
 * Wrong passwords per login (a phone or e-mail, whether or not an account has it). The fifth within a
 * 15-minute window locks the login for a full 15 minutes from then: counting in fixed windows alone
 * would let a lock that began late in a window end at the window's edge, seconds later.
 */
export class PasswordFailures {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly repo: RateLimitRepository,
  ) {}

  /**
   * Counts a password attempt before the password is checked (the hash takes ~100 ms): concurrent
   * guesses each take a numbered try, so a burst cannot all pass a count read before any of them failed.
   * Throws ACCOUNT_LOCKED when the login is locked or this try is past the limit; answers the try's
   * number for {@link fail}.
   */
  async claim(login: string): Promise<number> {
    if (await this.limiter.isLocked(`login-lock:${login}`, limits.passwordFailuresPerLogin.windowMs)) {
      throw new DomainError('ACCOUNT_LOCKED');
    }
    const windowMs = limits.passwordFailuresPerLogin.windowMs;
    const attempt = await this.repo.hit(`login-fail:${login}`, this.limiter.windowStart(windowMs));
    if (attempt > limits.passwordFailuresPerLogin.max) throw new DomainError('ACCOUNT_LOCKED');
    return attempt;
  }

  /** The claimed try was a wrong password; true when it locked the login. */
  async fail(login: string, attempt: number): Promise<boolean> {
    if (attempt < limits.passwordFailuresPerLogin.max) return false;
    await this.limiter.lock(`login-lock:${login}`);
    await this.limiter.reset(`login-fail:${login}`);
    return true;
  }

  async clear(login: string): Promise<void> {
    await this.limiter.reset(`login-fail:${login}`);
    await this.limiter.reset(`login-lock:${login}`);
  }
}

const minute = 60_000;

/** The limits in one place, so the docs and the tests can name them. */
export const limits = {
  codeSendPerTarget: { max: 10, windowMs: 60 * minute },
  codeSendPerIp: { max: 30, windowMs: 60 * minute },
  codeVerifyPerIp: { max: 60, windowMs: 10 * minute },
  loginPerIp: { max: 60, windowMs: 10 * minute },
  /** Five wrong passwords for one login within 15 minutes lock it until the window ends. */
  passwordFailuresPerLogin: { max: 5, windowMs: 15 * minute },
  registerPerIp: { max: 20, windowMs: 60 * minute },
  pinFailuresPerUser: 5,
} as const;
