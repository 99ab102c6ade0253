import type { Session, User } from '@paydesk/db';
import { DomainError, normalizeEmail, normalizeMobile } from '@paydesk/domain';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password.ts';
import type { AppContext } from '../context.ts';
import { auditRow } from './audit.ts';
import { FieldChecker } from './fields.ts';
import { type CodeTarget, maskTarget, OtpService } from './otp.service.ts';
import { limits, PasswordFailures, RateLimiter } from './rate-limiter.ts';
import { type IssuedSession, SessionService } from './session.service.ts';

export interface ClientMeta {
  ip: string;
  userAgent: string | undefined;
}

/** A login is a mobile number or an e-mail address; anything else finds nobody. */
export function parseLogin(login: string): CodeTarget | null {
  const phone = normalizeMobile(login);
  if (phone) return { channel: 'sms', address: phone };
  const email = normalizeEmail(login);
  if (email) return { channel: 'email', address: email };
  return null;
}

export class AuthService {
  private readonly otp: OtpService;
  private readonly sessions: SessionService;
  private readonly limiter: RateLimiter;
  private readonly failures: PasswordFailures;

  constructor(private readonly ctx: AppContext) {
    this.otp = new OtpService(ctx);
    this.sessions = new SessionService(ctx);
    this.limiter = new RateLimiter(ctx.repos.rateLimits, ctx.now);
    this.failures = new PasswordFailures(this.limiter, ctx.repos.rateLimits);
  }

  /**
   * Wrong passwords are counted per login, whether or not an account has it, so neither the error nor
   * the lock-out tells a stranger which numbers have accounts.
   */
  async signInWithPassword(login: string, password: string, meta: ClientMeta): Promise<IssuedSession> {
    await this.limiter.consume(`login:ip:${meta.ip}`, limits.loginPerIp);
    const target = parseLogin(login);
    const failLogin = target?.address ?? login.trim().toLowerCase();
    const attempt = await this.failures.claim(failLogin);

    const user = target ? await this.findUser(target) : undefined;
    const ok = await verifyPassword(user?.password_hash ?? dummyHash, password);
    if (!user || !ok) {
      throw new DomainError((await this.failures.fail(failLogin, attempt)) ? 'ACCOUNT_LOCKED' : 'LOGIN_FAILED');
    }
    if (user.status !== 'active') throw new DomainError('ACCOUNT_NOT_ACTIVE');
    await this.failures.clear(failLogin);
    if (user.pin_failures > 0) await this.ctx.repos.users.clearPinFailures(user.id);
    return this.sessions.issue(user, meta);
  }

  /** Always answers the same way; a code goes out only when an active account has this login. */
  async sendCode(login: string, purpose: 'login' | 'reset', meta: ClientMeta): Promise<{ sentTo: string }> {
    const target = parseLogin(login);
    if (!target) throw new DomainError('VALIDATION_FAILED', [{ field: 'login', code: 'MOBILE_INVALID' }]);
    const user = await this.findUser(target);
    const active = user?.status === 'active' ? user : undefined;
    // Without an account nothing is sent, but the 60 s pause and the limits apply alike, so no answer differs.
    await this.otp.send(target, purpose, active?.merchant_id ?? null, meta.ip, { deliver: active !== undefined });
    return { sentTo: maskTarget(target) };
  }

  async signInWithCode(login: string, code: string, meta: ClientMeta): Promise<IssuedSession> {
    const target = parseLogin(login);
    if (!target) throw new DomainError('CODE_INVALID');
    await this.otp.verify(target.address, 'login', code, meta.ip);
    const user = await this.findUser(target);
    if (user?.status !== 'active') throw new DomainError('CODE_INVALID');
    return this.sessions.issue(user, meta);
  }

  async resetPassword(login: string, code: string, newPassword: string, meta: ClientMeta): Promise<void> {
    const f = new FieldChecker();
    f.password('newPassword', newPassword);
    f.done();
    const target = parseLogin(login);
    if (!target) throw new DomainError('CODE_INVALID');
    await this.otp.verify(target.address, 'reset', code, meta.ip);
    const user = await this.findUser(target);
    if (user?.status !== 'active') throw new DomainError('CODE_INVALID');
    const hash = await hashPassword(newPassword);
    await this.ctx.repos.users.update(user.merchant_id, user.id, { password_hash: hash, pin_failures: 0, updated_at: this.ctx.now() });
    await this.ctx.repos.sessions.deleteForUser(user.merchant_id, user.id);
    await this.failures.clear(target.address);
    await this.ctx.repos.audit.append(auditRow(this.ctx, user.merchant_id, user.id, 'user.password_reset', 'user', user.id, {}));
  }

  async signOut(session: Session): Promise<void> {
    await this.sessions.end(session);
  }

  private findUser(target: CodeTarget): Promise<User | undefined> {
    return this.ctx.repos.users.findForSignIn(target.channel === 'sms' ? { phone: target.address } : { email: target.address });
  }
}
