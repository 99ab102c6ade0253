import {
  AlipayChannel,
  type AlipayConnectionVerdict,
  type AlipaySettings,
  validateAlipaySettings,
  validateWechatPaySettings,
  WechatPayChannel,
  type WechatPayConnectionVerdict,
  type WechatPayCredentials,
  type WechatPaySettingsInput,
  type WechatPaySettingsProblemCode,
} from '@paydesk/channels';
import { type ChannelAccount, newId } from '@paydesk/db';
import { cleanText, DomainError, type ErrorCode, type FieldIssue } from '@paydesk/domain';
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

/** What an owner enters for WeChat Pay (PUT /api/channels/wechatpay). A key left empty keeps the stored one. */
export interface WechatPaySettingsBody {
  mchid: string;
  appid: string;
  appSecret?: string | undefined;
  privateKeyPem?: string | undefined;
  certSerial: string;
  apiV3Key?: string | undefined;
  platformPublicKeyPem?: string | undefined;
  platformPublicKeyId: string;
  /** Only checked against the key and serial, never stored. */
  merchantCertificatePem?: string | undefined;
  baseUrl?: string | undefined;
}

/** What an owner enters for Alipay (PUT /api/channels/alipay). A key left empty keeps the stored one. */
export interface AlipaySettingsBody {
  appId: string;
  appPrivateKey?: string | undefined;
  alipayPublicKey?: string | undefined;
  gatewayUrl?: string | undefined;
}

/** The non-secret settings, stored in `config` and shown by the API. */
interface WechatPayConfig {
  mchid: string;
  appid: string;
  certSerial: string;
  platformPublicKeyId: string;
  baseUrl: string | null;
}

/** Sealed in `secrets_sealed`. The platform key is public, but it is kept (and replaced) with the keys it pairs with. */
interface WechatPayKeys {
  privateKeyPem: string;
  apiV3Key: string;
  appSecret: string | null;
  platformPublicKeyPem: string;
}

interface AlipayConfig {
  appId: string;
  gatewayUrl: string;
}

interface AlipayKeys {
  appPrivateKeyPem: string;
  alipayPublicKeyPem: string;
}

export type WalletAdapter = WechatPayChannel | AlipayChannel;

export type ConnectionCheckResult =
  | { kind: 'wechatpay'; verdict: WechatPayConnectionVerdict; detail: string }
  | { kind: 'alipay'; verdict: AlipayConnectionVerdict; detail: string };

/** WeChat promises an answer within 5 s; past it (on either wallet) the payment waits and a query settles it. */
const channelTimeoutMs = 5_000;

/** The API's names for the adapter's fields, so that each problem is shown beside the field the owner typed into. */
const wechatFields: Record<keyof WechatPaySettingsInput, keyof WechatPaySettingsBody> = {
  mchid: 'mchid',
  appid: 'appid',
  appSecret: 'appSecret',
  merchantPrivateKeyPem: 'privateKeyPem',
  merchantSerialNo: 'certSerial',
  merchantCertificatePem: 'merchantCertificatePem',
  apiV3Key: 'apiV3Key',
  platformPublicKeyPem: 'platformPublicKeyPem',
  platformPublicKeyId: 'platformPublicKeyId',
  baseUrl: 'baseUrl',
};

type WechatProblemErrorCode = `WECHATPAY_${Uppercase<Exclude<WechatPaySettingsProblemCode, 'required'>>}`;

/** The catalogue code of an adapter problem; a problem code without a catalogue message fails the type check. */
function wechatProblemCode(code: WechatPaySettingsProblemCode): ErrorCode {
  return code === 'required' ? 'FIELD_REQUIRED' : (`WECHATPAY_${code.toUpperCase()}` as WechatProblemErrorCode);
}

const settingsInvalid = (fields: FieldIssue[]) => new DomainError('CHANNEL_SETTINGS_INVALID', fields);

/** A key left empty on a re-save keeps the stored one, so the owner need not paste every key again. */
const keptOr = (given: string | undefined, stored: string | null | undefined) => (given?.trim() ? given : (stored ?? ''));

function wechatInput(config: WechatPayConfig, keys: WechatPayKeys): WechatPaySettingsInput {
  return {
    mchid: config.mchid,
    appid: config.appid,
    appSecret: keys.appSecret ?? '',
    merchantPrivateKeyPem: keys.privateKeyPem,
    merchantSerialNo: config.certSerial,
    apiV3Key: keys.apiV3Key,
    platformPublicKeyPem: keys.platformPublicKeyPem,
    platformPublicKeyId: config.platformPublicKeyId,
    baseUrl: config.baseUrl ?? '',
  };
}

function openKeys<T>(ctx: AppContext, account: ChannelAccount): T {
  try {
    return JSON.parse(ctx.secrets.open(account.secrets_sealed ?? '')) as T;
  } catch {
    throw new DomainError('CHANNEL_SECRETS_UNREADABLE');
  }
}

/** Where the wallet posts its notifications for this account. WeChat allows no query string: the account is in the path. */
export function walletNotifyUrl(ctx: AppContext, account: Pick<ChannelAccount, 'id' | 'kind'>): string {
  return `${ctx.config.publicUrl.replace(/\/+$/, '')}/api/notify/${account.kind}/${account.id}`;
}

function wechatCredentialsOf(ctx: AppContext, account: ChannelAccount): WechatPayCredentials {
  const check = validateWechatPaySettings(
    wechatInput(JSON.parse(account.config) as WechatPayConfig, openKeys<WechatPayKeys>(ctx, account)),
    ctx.now(),
  );
  if (!check.ok)
    throw new Error(`stored WeChat Pay settings of ${account.id} no longer pass: ${check.problems.map((p) => p.code).join(', ')}`);
  return check.credentials;
}

function alipaySettingsOf(ctx: AppContext, account: ChannelAccount): AlipaySettings {
  const config = JSON.parse(account.config) as AlipayConfig;
  const keys = openKeys<AlipayKeys>(ctx, account);
  const check = validateAlipaySettings({
    appId: config.appId,
    appPrivateKey: keys.appPrivateKeyPem,
    alipayPublicKey: keys.alipayPublicKeyPem,
    gatewayUrl: config.gatewayUrl,
  });
  if (!check.ok) throw new Error(`stored Alipay settings of ${account.id} no longer pass: ${check.problems.map((p) => p.code).join(', ')}`);
  return check.settings;
}

/** The adapter for a stored wallet account, its keys unsealed and parsed (the router keeps it for reuse). */
export function walletAdapterOf(ctx: AppContext, account: ChannelAccount): WalletAdapter {
  if (account.kind === 'wechatpay') {
    return new WechatPayChannel({
      credentials: wechatCredentialsOf(ctx, account),
      now: ctx.now,
      timeoutMs: channelTimeoutMs,
      refundNotifyUrl: walletNotifyUrl(ctx, account),
    });
  }
  if (account.kind === 'alipay')
    return new AlipayChannel({ settings: alipaySettingsOf(ctx, account), now: ctx.now, timeoutMs: channelTimeoutMs });
  throw new Error(`channel account ${account.id} is ${account.kind}, not a wallet account`);
}

/**
 * The merchant's channel accounts (ARCHITECTURE §4): the UnionPay/EMV account its codes carry, and its
 * own WeChat Pay and Alipay accounts, one live account per wallet and scope (a store, or merchant-wide).
 * Wallet keys are checked on entry, sealed at rest, never returned, never logged. A save under another
 * merchant ID or app retires the old account rather than overwriting it, so the payments it carried are
 * still queried and refunded through it.
 */
export class ChannelAccountService {
  constructor(private readonly ctx: AppContext) {}

  /** The accounts an owner manages; retired ones (replaced by another merchant ID or app) are history only. */
  async list(actor: Actor): Promise<ChannelAccount[]> {
    requirePermission(actor, 'channel.manage');
    return (await this.ctx.repos.channelAccounts.list(actor.merchantId)).filter((a) => a.status !== 'retired');
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

  async saveWechatPay(actor: Actor, storeId: string | null, body: WechatPaySettingsBody): Promise<ChannelAccount> {
    requirePermission(actor, 'channel.manage');
    await this.checkStore(actor, storeId);
    const current = await this.current(actor.merchantId, 'wechatpay', storeId);
    const stored = current && this.storedKeys<WechatPayKeys>(current);
    const input: WechatPaySettingsInput = {
      mchid: body.mchid,
      appid: body.appid,
      appSecret: keptOr(body.appSecret, stored?.appSecret),
      merchantPrivateKeyPem: keptOr(body.privateKeyPem, stored?.privateKeyPem),
      merchantSerialNo: body.certSerial,
      merchantCertificatePem: body.merchantCertificatePem ?? '',
      apiV3Key: keptOr(body.apiV3Key, stored?.apiV3Key),
      platformPublicKeyPem: keptOr(body.platformPublicKeyPem, stored?.platformPublicKeyPem),
      platformPublicKeyId: body.platformPublicKeyId,
      baseUrl: body.baseUrl ?? '',
    };
    const check = validateWechatPaySettings(input, this.ctx.now());
    if (!check.ok) throw settingsInvalid(check.problems.map((p) => ({ field: wechatFields[p.field], code: wechatProblemCode(p.code) })));
    const c = check.credentials;
    const config: WechatPayConfig = {
      mchid: c.mchid,
      appid: c.appid,
      certSerial: c.merchantSerialNo,
      platformPublicKeyId: c.platformPublicKeyId,
      baseUrl: c.baseUrl ?? null,
    };
    const keys: WechatPayKeys = {
      privateKeyPem: input.merchantPrivateKeyPem.trim(),
      apiV3Key: c.apiV3Key,
      appSecret: c.appSecret ?? null,
      platformPublicKeyPem: input.platformPublicKeyPem.trim(),
    };
    const sameAccount = current !== undefined && (JSON.parse(current.config) as WechatPayConfig).mchid === config.mchid;
    return this.save(actor, 'wechatpay', storeId, current, sameAccount, config, keys, stored);
  }

  async saveAlipay(actor: Actor, storeId: string | null, body: AlipaySettingsBody): Promise<ChannelAccount> {
    requirePermission(actor, 'channel.manage');
    await this.checkStore(actor, storeId);
    const current = await this.current(actor.merchantId, 'alipay', storeId);
    const stored = current && this.storedKeys<AlipayKeys>(current);
    const check = validateAlipaySettings({
      appId: body.appId,
      appPrivateKey: keptOr(body.appPrivateKey, stored?.appPrivateKeyPem),
      alipayPublicKey: keptOr(body.alipayPublicKey, stored?.alipayPublicKeyPem),
      gatewayUrl: body.gatewayUrl ?? '',
    });
    if (!check.ok) throw settingsInvalid(check.problems.map((p) => ({ field: p.field, code: p.code })));
    const s = check.settings;
    const config: AlipayConfig = { appId: s.appId, gatewayUrl: s.gatewayUrl };
    const keys: AlipayKeys = { appPrivateKeyPem: s.appPrivateKeyPem, alipayPublicKeyPem: s.alipayPublicKeyPem };
    const sameAccount = current !== undefined && (JSON.parse(current.config) as AlipayConfig).appId === config.appId;
    return this.save(actor, 'alipay', storeId, current, sameAccount, config, keys, stored);
  }

  /** "Check connection": a harmless query with the stored settings, and what it says is wrong. */
  async check(actor: Actor, id: string): Promise<ConnectionCheckResult> {
    const account = await this.walletAccount(actor, id);
    const adapter = walletAdapterOf(this.ctx, account);
    const result: ConnectionCheckResult =
      adapter instanceof WechatPayChannel
        ? { kind: 'wechatpay', ...(await adapter.checkConnection()) }
        : { kind: 'alipay', ...(await adapter.checkConnection()) };
    this.ctx.log.info(
      { channelAccountId: id, kind: result.kind, verdict: result.verdict, detail: result.detail },
      'channel connection checked',
    );
    return result;
  }

  /**
   * Switches an account off: new payments fall back as if none were configured. The row and its keys stay,
   * because the payments it carried may still need a query or a refund. Disabling twice changes nothing.
   */
  async disable(actor: Actor, id: string): Promise<ChannelAccount> {
    const account = await this.walletAccount(actor, id);
    if (account.status !== 'active') return account;
    const now = this.ctx.now();
    await inTransaction(this.ctx, async (repos) => {
      if (!(await repos.channelAccounts.setStatus(actor.merchantId, id, 'active', 'disabled', now))) return;
      await repos.audit.append(
        auditRow(this.ctx, actor.merchantId, actor.userId, 'channel.disabled', 'channel', id, {
          kind: account.kind,
          storeId: account.store_id,
          config: JSON.parse(account.config),
        }),
      );
    });
    return { ...account, status: 'disabled', updated_at: now };
  }

  private async walletAccount(actor: Actor, id: string): Promise<ChannelAccount> {
    requirePermission(actor, 'channel.manage');
    const account = await this.ctx.repos.channelAccounts.findById(actor.merchantId, id);
    if (!account || account.status === 'retired' || (account.kind !== 'wechatpay' && account.kind !== 'alipay')) {
      throw new DomainError('NOT_FOUND');
    }
    return account;
  }

  private async checkStore(actor: Actor, storeId: string | null): Promise<void> {
    if (storeId && !(await this.ctx.repos.stores.findById(actor.merchantId, storeId))) throw new DomainError('NOT_FOUND');
  }

  /** The account in this scope that a save replaces or updates: the live one, or the one the owner disabled. */
  private async current(merchantId: string, kind: 'wechatpay' | 'alipay', storeId: string | null) {
    return (await this.ctx.repos.channelAccounts.list(merchantId, kind)).find((a) => a.store_id === storeId && a.status !== 'retired');
  }

  /** Keys that can no longer be opened (the server key changed) are as good as none: the owner enters them again. */
  private storedKeys<T>(account: ChannelAccount): T | undefined {
    try {
      return openKeys<T>(this.ctx, account);
    } catch {
      return undefined;
    }
  }

  private async save<C extends object, K extends object>(
    actor: Actor,
    kind: 'wechatpay' | 'alipay',
    storeId: string | null,
    current: ChannelAccount | undefined,
    sameAccount: boolean,
    config: C,
    keys: K,
    storedKeys: K | undefined,
  ): Promise<ChannelAccount> {
    const now = this.ctx.now();
    const sealed = this.ctx.secrets.seal(JSON.stringify(keys));
    const row: ChannelAccount =
      current && sameAccount
        ? { ...current, config: JSON.stringify(config), secrets_sealed: sealed, status: 'active', updated_at: now }
        : {
            id: newId(),
            merchant_id: actor.merchantId,
            store_id: storeId,
            kind,
            config: JSON.stringify(config),
            secrets_sealed: sealed,
            status: 'active',
            created_at: now,
            updated_at: now,
          };
    // The audit names the keys that changed, never their values.
    const keysChanged = Object.keys(keys).filter(
      (k) => storedKeys === undefined || (keys as Record<string, unknown>)[k] !== (storedKeys as Record<string, unknown>)[k],
    );
    await inTransaction(this.ctx, async (repos) => {
      if (row.id === current?.id) {
        await repos.channelAccounts.update(actor.merchantId, row.id, {
          config: row.config,
          secrets_sealed: sealed,
          status: 'active',
          updated_at: now,
        });
      } else {
        // Another merchant ID or app: the old account is kept, retired, for the payments it carried.
        if (current) await repos.channelAccounts.setStatus(actor.merchantId, current.id, current.status, 'retired', now);
        await repos.channelAccounts.insert(row);
      }
      await repos.audit.append(
        auditRow(this.ctx, actor.merchantId, actor.userId, current ? 'channel.updated' : 'channel.created', 'channel', row.id, {
          kind,
          storeId,
          before: current ? JSON.parse(current.config) : null,
          after: config,
          keysChanged,
          ...(current && row.id !== current.id ? { retiredAccountId: current.id } : {}),
        }),
      );
    });
    return row;
  }
}
