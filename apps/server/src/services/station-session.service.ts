import type { Session, User } from '@paydesk/db';
import { checkPin, DomainError } from '@paydesk/domain';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import type { AppContext } from '../context.ts';
import type { Actor } from './actor.ts';
import type { ClientMeta } from './auth.service.ts';
import { limits, PasswordFailures, RateLimiter } from './rate-limiter.ts';
import { type IssuedSession, SessionService } from './session.service.ts';

/** A shared counter PC: open it as a station once, then staff take turns with a short PIN. */
export class StationSessionService {
  private readonly sessions: SessionService;

  constructor(private readonly ctx: AppContext) {
    this.sessions = new SessionService(ctx);
  }

  /** Rotates the session while binding it to the station, like any change of privilege. */
  async openStation(actor: Actor, session: Session, stationId: string, meta: ClientMeta): Promise<IssuedSession> {
    const station = await this.ctx.repos.stations.findById(actor.merchantId, stationId);
    if (!station || (actor.role !== 'owner' && actor.storeId !== station.store_id)) throw new DomainError('NOT_FOUND');
    const user = await this.ctx.repos.users.findById(actor.merchantId, actor.userId);
    if (!user) throw new DomainError('UNAUTHENTICATED');
    const issued = await this.sessions.issue(user, { ...meta, stationId: station.id });
    await this.sessions.end(session);
    return issued;
  }

  /** Who may take over this station: active staff of its store, and the owners. */
  async usersAtStation(actor: Actor): Promise<User[]> {
    const station = await this.currentStation(actor);
    const all = await this.ctx.repos.users.list(actor.merchantId);
    return all.filter((u) => u.status === 'active' && (u.role === 'owner' || u.store_id === station.store_id));
  }

  async switchUser(actor: Actor, session: Session, userId: string, pin: string, meta: ClientMeta): Promise<IssuedSession> {
    const station = await this.currentStation(actor);
    const user = await this.ctx.repos.users.findById(actor.merchantId, userId);
    if (user?.status !== 'active' || (user.role !== 'owner' && user.store_id !== station.store_id)) {
      throw new DomainError('NOT_FOUND');
    }
    if (!user.pin_hash) throw new DomainError('PIN_NOT_SET');
    // A PIN has few values, so after five wrong ones the person must sign in with the password again.
    // The try is counted before the (slow) check, so a burst of guesses cannot all pass a stale count.
    const attempt = await this.ctx.repos.users.claimPinAttempt(user.id, limits.pinFailuresPerUser);
    if (attempt === undefined) throw new DomainError('ACCOUNT_LOCKED');
    if (!(await verifyPassword(user.pin_hash, pin))) {
      throw new DomainError(attempt >= limits.pinFailuresPerUser ? 'ACCOUNT_LOCKED' : 'PIN_WRONG');
    }
    await this.ctx.repos.users.clearPinFailures(user.id);
    const issued = await this.sessions.issue(user, { ...meta, stationId: station.id });
    await this.sessions.end(session);
    return issued;
  }

  /** Setting your own PIN needs your password: someone at an unlocked counter must not set it for you. */
  async setOwnPin(actor: Actor, pin: string, password: string): Promise<void> {
    if (checkPin(pin) !== 'ok') throw new DomainError('PIN_INVALID', [{ field: 'pin', code: 'PIN_INVALID' }]);
    const user = await this.ctx.repos.users.findById(actor.merchantId, actor.userId);
    if (!user?.password_hash) throw new DomainError('LOGIN_FAILED');
    // The password check counts toward the same lock-out as signing in, or this would be a way to guess it.
    const failures = new PasswordFailures(new RateLimiter(this.ctx.repos.rateLimits, this.ctx.now), this.ctx.repos.rateLimits);
    const attempt = await failures.claim(user.phone);
    if (!(await verifyPassword(user.password_hash, password))) {
      throw new DomainError((await failures.fail(user.phone, attempt)) ? 'ACCOUNT_LOCKED' : 'LOGIN_FAILED');
    }
    await failures.clear(user.phone);
    await this.ctx.repos.users.update(actor.merchantId, user.id, {
      pin_hash: await hashPassword(pin),
      pin_failures: 0,
      updated_at: this.ctx.now(),
    });
  }

  private async currentStation(actor: Actor) {
    if (!actor.station) throw new DomainError('STATION_REQUIRED');
    const station = await this.ctx.repos.stations.findById(actor.merchantId, actor.station.id);
    if (!station) throw new DomainError('STATION_REQUIRED');
    return station;
  }
}
