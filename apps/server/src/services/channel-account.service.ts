import { type ChannelAccount, newId } from '@paydesk/db';
import { cleanText, DomainError } from '@paydesk/domain';
import { type AppContext, inTransaction } from '../context.ts';
import { type Actor, requirePermission } from './actor.ts';
import { auditRow } from './audit.ts';

/** The UnionPay / EMVCo merchant account that EMVCo codes carry (shared/reference/payments.md §5). */
export interface UnionpayEmvConfig {
  /** 8-digit acquiring institution identification code. */
  acquirerIin: string;
  /** 15-digit UnionPay merchant number. */
  merchantNo: string;
  /** ISO 18245 merchant category code, 4 digits. */
  mcc: string;
  /** Tag 59 wants Latin letters (≤ 25); the Chinese name goes in tag 64. */
  nameLatin: string;
  /** Tag 60, ≤ 15 characters, e.g. "Beijing". */
  city: string;
}

export function checkUnionpayEmv(input: UnionpayEmvConfig): UnionpayEmvConfig {
  const nameLatin = cleanText(input.nameLatin, { max: 25 });
  const city = cleanText(input.city, { max: 15 });
  const ok =
    /^\d{8}$/.test(input.acquirerIin) &&
    /^\d{15}$/.test(input.merchantNo) &&
    /^\d{4}$/.test(input.mcc) &&
    nameLatin.ok &&
    /^[\x20-\x7e]+$/.test(nameLatin.value) &&
    city.ok;
  if (!ok) throw new DomainError('EMV_ACCOUNT_INVALID');
  return { acquirerIin: input.acquirerIin, merchantNo: input.merchantNo, mcc: input.mcc, nameLatin: nameLatin.value, city: city.value };
}

export class ChannelAccountService {
  constructor(private readonly ctx: AppContext) {}

  async list(actor: Actor): Promise<ChannelAccount[]> {
    requirePermission(actor, 'channel.manage');
    return this.ctx.repos.channelAccounts.list(actor.merchantId);
  }

  /** One UnionPay/EMV account per store (or one merchant-wide when storeId is null); saving again replaces it. */
  async saveUnionpayEmv(actor: Actor, storeId: string | null, input: UnionpayEmvConfig): Promise<ChannelAccount> {
    requirePermission(actor, 'channel.manage');
    const config = checkUnionpayEmv(input);
    if (storeId && !(await this.ctx.repos.stores.findById(actor.merchantId, storeId))) throw new DomainError('NOT_FOUND');
    const now = this.ctx.now();
    const existing = (await this.ctx.repos.channelAccounts.list(actor.merchantId, 'unionpay_emv')).find((a) => a.store_id === storeId);
    const row: ChannelAccount = existing
      ? { ...existing, config: JSON.stringify(config), status: 'active', updated_at: now }
      : {
          id: newId(),
          merchant_id: actor.merchantId,
          store_id: storeId,
          kind: 'unionpay_emv',
          config: JSON.stringify(config),
          secrets_sealed: null,
          status: 'active',
          created_at: now,
          updated_at: now,
        };
    await inTransaction(this.ctx, async (repos) => {
      if (existing)
        await repos.channelAccounts.update(actor.merchantId, existing.id, { config: row.config, status: 'active', updated_at: now });
      else await repos.channelAccounts.insert(row);
      await repos.audit.append(
        auditRow(this.ctx, actor.merchantId, actor.userId, existing ? 'channel.updated' : 'channel.created', 'channel', row.id, {
          kind: 'unionpay_emv',
          storeId,
          before: existing ? JSON.parse(existing.config) : null,
          after: config,
        }),
      );
    });
    return row;
  }
}
