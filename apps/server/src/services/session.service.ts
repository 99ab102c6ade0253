import type { LiveSession, Session, User } from '@paydesk/db';
import type { AppContext } from '../context.ts';
import { randomToken, sha256 } from '../crypto/tokens.ts';

/** Idle sessions end after 12 hours: long enough for a shift, short enough for a shared counter PC. */
export const sessionIdleMs = 12 * 60 * 60_000;
const touchEveryMs = 60_000;

export interface IssuedSession {
  token: string;
  session: Session;
}

export class SessionService {
  constructor(private readonly ctx: AppContext) {}

  /**
   * Always a fresh random token: a token the client brought is never adopted (no session fixation).
   */
  async issue(user: User, meta: { ip: string; userAgent: string | undefined; stationId?: string | null }): Promise<IssuedSession> {
    const now = this.ctx.now();
    const token = randomToken();
    const session: Session = {
      id_hash: sha256(token),
      merchant_id: user.merchant_id,
      user_id: user.id,
      station_id: meta.stationId ?? null,
      csrf_token: randomToken(24),
      created_at: now,
      last_seen_at: now,
      expires_at: now + sessionIdleMs,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    };
    await this.ctx.repos.sessions.insert(session);
    return { token, session };
  }

  /** The live session of a cookie token, with its person (the caller decides what a disabled one may do). */
  async resolve(token: string): Promise<LiveSession | undefined> {
    const now = this.ctx.now();
    const found = await this.ctx.repos.sessions.findLive(sha256(token), now);
    if (found && now - found.session.last_seen_at > touchEveryMs) {
      await this.ctx.repos.sessions.touch(found.session.id_hash, now, now + sessionIdleMs);
    }
    return found;
  }

  async end(session: Session): Promise<void> {
    await this.ctx.repos.sessions.delete(session.id_hash);
  }
}
