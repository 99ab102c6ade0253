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
