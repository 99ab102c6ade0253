import { newId } from '@paydesk/db';
import { DomainError, normalizeEmail, normalizeMobile, validateBankAccount, validateUscc } from '@paydesk/domain';
import { hashPassword } from '../auth/password.ts';
import { type AppContext, inTransaction } from '../context.ts';
import { auditRow } from './audit.ts';
import type { ClientMeta } from './auth.service.ts';
import { FieldChecker } from './fields.ts';
import { type CodeTarget, maskTarget, OtpService } from './otp.service.ts';
import { limits, RateLimiter } from './rate-limiter.ts';
import { type IssuedSession, SessionService } from './session.service.ts';

export interface RegistrationInput {
  enterpriseName: string;
  uscc: string;
  contactName: string;
  phone: string;
  email: string;
  bankAccountName: string;
  bankName: string;
  bankAccountNo: string;
  password: string;
  verifyBy: 'sms' | 'email';
}

export interface RegistrationStarted {
  registrationId: string;
  verifyBy: 'sms' | 'email';
  sentTo: string;
}

/** An unverified registration holds its credit code for a day, then anyone may register it again. */
const pendingHoldMs = 24 * 60 * 60_000;

export class RegistrationService {
  private readonly otp: OtpService;
  private readonly limiter: RateLimiter;

  constructor(private readonly ctx: AppContext) {
    this.otp = new OtpService(ctx);
    this.limiter = new RateLimiter(ctx.repos.rateLimits, ctx.now);
  }

  async start(input: RegistrationInput, meta: ClientMeta): Promise<RegistrationStarted> {
    const form = this.check(input);
    await this.limiter.consume(`register:ip:${meta.ip}`, limits.registerPerIp);
    const now = this.ctx.now();
    const target: CodeTarget =
      input.verifyBy === 'sms' ? { channel: 'sms', address: form.phone } : { channel: 'email', address: form.email };

    await this.ctx.repos.merchants.deleteStalePending(form.uscc, now - pendingHoldMs);
    const existing = await this.ctx.repos.merchants.findByUscc(form.uscc);
    if (existing?.status === 'active')
      throw new DomainError('MERCHANT_ALREADY_REGISTERED', [{ field: 'uscc', code: 'MERCHANT_ALREADY_REGISTERED' }]);
    if (existing && existing.contact_phone !== form.phone) {
      throw new DomainError('MERCHANT_ALREADY_REGISTERED', [{ field: 'uscc', code: 'MERCHANT_ALREADY_REGISTERED' }]);
    }

    // The same owner starting again replaces their unverified registration.
    if (existing) await this.ctx.repos.merchants.deleteStalePending(form.uscc, Number.MAX_SAFE_INTEGER);

    // A phone or e-mail that already has an account gets a notice instead of a code, and the answer is
    // the same as for a new one: the form must not reveal who has an account.
    if (await this.ctx.repos.users.existsWithPhoneOrEmail(form.phone, form.email)) {
      // Hashing anyway keeps the timing alike; the placeholder lets a resend answer as for a real registration.
      await hashPassword(input.password);
      const registrationId = await this.otp.placeholder(target, 'register');
      await this.otp.notify(
        target,
        null,
        'Paydesk 注册提醒 / registration notice',
        '有人尝试用你的手机号或邮箱注册 Paydesk 商户。你已有账号，请直接登录；如非本人操作，请忽略。\n' +
          'Someone tried to register a Paydesk merchant with your number or e-mail. You already have an account: sign in instead.',
      );
      return { registrationId, verifyBy: input.verifyBy, sentTo: maskTarget(target) };
    }

    const merchantId = newId();
    const passwordHash = await hashPassword(input.password);
    await inTransaction(this.ctx, async (repos) => {
      await repos.merchants.insert({
        id: merchantId,
        name: form.enterpriseName,
        uscc: form.uscc,
        contact_name: form.contactName,
        contact_phone: form.phone,
        contact_email: form.email,
        bank_account_name: form.bankAccountName,
        bank_name: form.bankName,
        bank_account_sealed: this.ctx.secrets.seal(form.bankAccountNo),
        bank_account_last4: form.bankAccountNo.slice(-4),
        status: 'pending',
        created_at: now,
        updated_at: now,
      });
      await repos.users.insert({
        id: newId(),
        merchant_id: merchantId,
        store_id: null,
        name: form.contactName,
        phone: form.phone,
        email: form.email,
        role: 'owner',
        password_hash: passwordHash,
        pin_hash: null,
        status: 'pending',
        created_at: now,
        updated_at: now,
      });
    });
    await this.otp.send(target, 'register', merchantId, meta.ip);
    return { registrationId: merchantId, verifyBy: input.verifyBy, sentTo: maskTarget(target) };
  }

  async resend(registrationId: string, meta: ClientMeta): Promise<{ sentTo: string }> {
    const merchant = await this.ctx.repos.merchants.findById(registrationId);
    // A registration that got a notice instead of a code (the address has an account) answers alike, sending nothing.
    const placeholder = merchant ? undefined : await this.ctx.repos.otp.findPlaceholder(registrationId, 'register');
    const last =
      placeholder ?? (merchant?.status === 'pending' ? await this.ctx.repos.otp.latestForMerchant(merchant.id, 'register') : undefined);
    // A registration is held for a day, then it is started again: both kinds end at the same age (a
    // notice's rows are swept after that, and one kind ending sooner would tell which address has an account).
    const startedAt = placeholder?.created_at ?? merchant?.created_at;
    if (!last || startedAt === undefined || this.ctx.now() - startedAt > pendingHoldMs) throw new DomainError('CODE_INVALID');
    const target: CodeTarget = last.target.includes('@')
      ? { channel: 'email', address: last.target }
      : { channel: 'sms', address: last.target };
    if (placeholder) await this.otp.send(target, 'register', null, meta.ip, { deliver: false });
    else await this.otp.send(target, 'register', merchant?.id ?? null, meta.ip);
    return { sentTo: maskTarget(target) };
  }

  /** The code proves the phone or e-mail; only then do the merchant and its owner become active. */
  async verify(registrationId: string, code: string, meta: ClientMeta): Promise<IssuedSession> {
    const merchant = await this.ctx.repos.merchants.findById(registrationId);
    if (merchant?.status !== 'pending') throw new DomainError('CODE_INVALID');
    await this.otp.verifyForMerchant(merchant.id, 'register', code, meta.ip);
    const now = this.ctx.now();
    await inTransaction(this.ctx, async (repos) => {
      await repos.merchants.activate(merchant.id, now);
      await repos.users.activatePending(merchant.id, now);
      await repos.audit.append(
        auditRow(this.ctx, merchant.id, null, 'merchant.registered', 'merchant', merchant.id, { uscc: merchant.uscc }),
      );
    });
    const owner = (await this.ctx.repos.users.list(merchant.id)).find((u) => u.role === 'owner');
    if (!owner) throw new DomainError('INTERNAL');
    return new SessionService(this.ctx).issue(owner, meta);
  }

  private check(input: RegistrationInput) {
    const f = new FieldChecker();
    const enterpriseName = f.text('enterpriseName', input.enterpriseName, 100, 2);
    const uscc = validateUscc(input.uscc);
    if (!uscc.ok) f.fail('uscc', 'USCC_INVALID');
    const contactName = f.text('contactName', input.contactName, 50);
    const phone = normalizeMobile(input.phone);
    if (!phone) f.fail('phone', 'MOBILE_INVALID');
    const email = normalizeEmail(input.email);
    if (!email) f.fail('email', 'EMAIL_INVALID');
    const bankAccountName = f.text('bankAccountName', input.bankAccountName, 100, 2);
    const bankName = f.text('bankName', input.bankName, 100, 2);
    const account = validateBankAccount(input.bankAccountNo);
    if (!account.ok) f.fail('bankAccountNo', 'BANK_ACCOUNT_INVALID');
    f.password('password', input.password);
    f.done();
    return {
      enterpriseName,
      uscc: uscc.ok ? uscc.value : '',
      contactName,
      phone: phone ?? '',
      email: email ?? '',
      bankAccountName,
      bankName,
      bankAccountNo: account.ok ? account.value : '',
    };
  }
}
