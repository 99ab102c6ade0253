import { newId, type OtpCode, type OtpPurpose } from '@paydesk/db';
import { DomainError } from '@paydesk/domain';
import { type AppContext, inTransaction } from '../context.ts';
import { hashCode, randomToken, safeEqualHex, sixDigitCode } from '../crypto/tokens.ts';
import type { MessageChannel } from '../messaging/transport.ts';
import { limits, RateLimiter } from './rate-limiter.ts';

export interface CodeTarget {
  channel: MessageChannel;
  address: string;
}

const codeTtlMs = 5 * 60_000;
const resendAfterMs = 60_000;
const maxWrongTries = 5;

const subjects: Record<OtpPurpose, string> = {
  register: 'Paydesk 注册验证码 / registration code',
  login: 'Paydesk 登录验证码 / sign-in code',
  reset: 'Paydesk 重置密码验证码 / password reset code',
};

/** One-time codes: 6 digits, 5 minutes, single use, void after 5 wrong tries, stored as an HMAC. */
export class OtpService {
  private readonly limiter: RateLimiter;

  constructor(private readonly ctx: AppContext) {
    this.limiter = new RateLimiter(ctx.repos.rateLimits, ctx.now);
  }

  /**
   * `deliver: false` is for an address without an account: the same pause, limits and answer as a real
   * send, but what is stored is a placeholder that matches no code, and nothing is sent.
   */
  async send(
    target: CodeTarget,
    purpose: OtpPurpose,
    merchantId: string | null,
    ip: string,
    options: { deliver?: boolean } = {},
  ): Promise<void> {
    const now = this.ctx.now();
    const latest = await this.ctx.repos.otp.latest(target.address, purpose);
    if (latest && now - latest.created_at < resendAfterMs) throw new DomainError('CODE_TOO_SOON');
    await this.limiter.consume(`code-send:ip:${ip}`, limits.codeSendPerIp);
    await this.limiter.consume(`code-send:to:${target.address}`, limits.codeSendPerTarget);
    if (options.deliver === false) {
      await this.placeholder(target, purpose);
      return;
    }

    const code = sixDigitCode();
    await inTransaction(this.ctx, async (repos) => {
      await repos.otp.voidOpen(target.address, purpose, now);
      await repos.otp.insert({
        id: newId(),
        merchant_id: merchantId,
        target: target.address,
        purpose,
        code_hash: hashCode(this.ctx.secrets.rawKey, purpose, target.address, code),
        created_at: now,
        expires_at: now + codeTtlMs,
        consumed_at: null,
      });
      await repos.outbox.enqueue({
        id: newId(),
        merchantId,
        topic: 'message.send',
        // Sealed: the code must not sit readable in the outbox table while it waits to be sent.
        payload: JSON.stringify({ sealed: this.ctx.secrets.seal(JSON.stringify(this.message(target, purpose, code))) }),
        runAt: now,
        now,
      });
    });
    this.ctx.nudgeWorker();
  }

  /**
   * Records a code that is never sent and that no six digits can match, so that an address without an
   * account meets the same 60 s pause and limits as one with an account. Returns the row's id.
   */
  async placeholder(target: CodeTarget, purpose: OtpPurpose): Promise<string> {
    const now = this.ctx.now();
    const id = newId();
    await this.ctx.repos.otp.insert({
      id,
      merchant_id: null,
      target: target.address,
      purpose,
      code_hash: hashCode(this.ctx.secrets.rawKey, purpose, target.address, randomToken()),
      created_at: now,
      expires_at: now + codeTtlMs,
      consumed_at: null,
    });
    return id;
  }

  /** Sends a plain notice (no code) through the same outbox, e.g. "someone tried to register with your number". */
  async notify(target: CodeTarget, merchantId: string | null, subject: string, body: string): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.repos.outbox.enqueue({
      id: newId(),
      merchantId,
      topic: 'message.send',
      payload: JSON.stringify({
        sealed: this.ctx.secrets.seal(JSON.stringify({ to: target.address, channel: target.channel, subject, body })),
      }),
      runAt: now,
      now,
    });
    this.ctx.nudgeWorker();
  }

  /** Checks and uses up the code; every failure is the same CODE_INVALID, whatever the cause. */
  async verify(address: string, purpose: OtpPurpose, code: string, ip: string): Promise<OtpCode> {
    return this.check(await this.ctx.repos.otp.latest(address, purpose), code, ip);
  }

  async verifyForMerchant(merchantId: string, purpose: OtpPurpose, code: string, ip: string): Promise<OtpCode> {
    return this.check(await this.ctx.repos.otp.latestForMerchant(merchantId, purpose), code, ip);
  }

  private async check(row: OtpCode | undefined, code: string, ip: string): Promise<OtpCode> {
    await this.limiter.consume(`code-verify:ip:${ip}`, limits.codeVerifyPerIp);
    const now = this.ctx.now();
    if (!row || row.consumed_at !== null || row.expires_at <= now) throw new DomainError('CODE_INVALID');
    // The try is counted before the comparison, so a burst of guesses cannot all pass a stale count.
    const attempt = await this.ctx.repos.otp.claimAttempt(row.id, maxWrongTries);
    if (attempt === undefined) throw new DomainError('CODE_INVALID');
    const expected = hashCode(this.ctx.secrets.rawKey, row.purpose, row.target, code.trim());
    if (!safeEqualHex(expected, row.code_hash)) {
      if (attempt >= maxWrongTries) await this.ctx.repos.otp.consume(row.id, now);
      throw new DomainError('CODE_INVALID');
    }
    if (!(await this.ctx.repos.otp.consume(row.id, now))) throw new DomainError('CODE_INVALID');
    return row;
  }

  private message(target: CodeTarget, purpose: OtpPurpose, code: string) {
    const body =
      `【Paydesk】您的验证码是 ${code}，5 分钟内有效，请勿告诉他人。如非本人操作，请忽略。\n` +
      `Your Paydesk code is ${code}. It expires in 5 minutes. Do not share it.`;
    return { to: target.address, channel: target.channel, subject: subjects[purpose], body };
  }
}

/** 138****5678 / a***@example.com: enough for the person to recognise, too little for anyone else. */
export function maskTarget(target: CodeTarget): string {
  if (target.channel === 'sms') return `${target.address.slice(0, 3)}****${target.address.slice(-4)}`;
  const [local = '', domain = ''] = target.address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
