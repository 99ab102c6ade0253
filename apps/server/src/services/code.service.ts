import { createHash } from 'node:crypto';
import { type CollectionCode, newId } from '@paydesk/db';
import { DomainError, type ErrorCode, isValidAmountFen, recogniseCollectionCode } from '@paydesk/domain';
import { buildEmvContent } from '../codes/emv-content.ts';
import { type AppContext, inRequestTransaction, inTransaction } from '../context.ts';
import { randomToken } from '../crypto/tokens.ts';
import { type Actor, assertStoreVisible, requirePermission, storeScope } from './actor.ts';
import { auditRow } from './audit.ts';

const minute = 60_000;
const day = 24 * 60 * minute;

export interface Placement {
  storeId: string;
  stationId?: string | null | undefined;
}

export type GenerateInput = Placement &
  (
    | { kind: 'static'; validFrom?: number | undefined; validDays?: number | undefined }
    | { kind: 'dynamic'; amountFen: number; expiresInMinutes?: number | undefined }
    | { kind: 'emvco'; amountFen?: number | undefined; expiresInMinutes?: number | undefined; validDays?: number | undefined }
  );

export interface UploadResult {
  code: CollectionCode;
  verdict: 'clear';
  notice: string | null;
}

const decodeFailures: Record<string, ErrorCode> = {
  empty: 'IMAGE_EMPTY',
  not_an_image: 'IMAGE_NOT_AN_IMAGE',
  unsupported_type: 'IMAGE_UNSUPPORTED_TYPE',
  too_large: 'IMAGE_TOO_LARGE',
  too_many_pixels: 'IMAGE_TOO_MANY_PIXELS',
  corrupt_image: 'IMAGE_CORRUPT',
  no_code_found: 'IMAGE_NO_CODE',
  blurred_or_low_contrast: 'IMAGE_BLURRED',
};

/** Wallet codes a shop can keep on its counter; one-time dynamic codes and ordinary links are not. */
const acceptedUploads = new Set(['wechat', 'alipay', 'unionpay', 'qq', 'emvco']);

export class CodeService {
  constructor(private readonly ctx: AppContext) {}

  async list(actor: Actor, filter: { storeId?: string | undefined; stationId?: string | undefined } = {}): Promise<CollectionCode[]> {
    requirePermission(actor, 'code.read');
    if (filter.storeId) assertStoreVisible(actor, filter.storeId);
    return this.ctx.repos.codes.list(actor.merchantId, { storeId: filter.storeId ?? storeScope(actor), stationId: filter.stationId });
  }

  async get(actor: Actor, id: string): Promise<CollectionCode> {
    requirePermission(actor, 'code.read');
    const code = await this.ctx.repos.codes.findById(actor.merchantId, id);
    if (!code) throw new DomainError('NOT_FOUND');
    assertStoreVisible(actor, code.store_id);
    return code;
  }

  async generate(actor: Actor, input: GenerateInput): Promise<CollectionCode> {
    requirePermission(actor, 'code.manage');
    await this.checkPlacement(actor, input);
    const now = this.ctx.now();
    const publicId = randomToken(16);
    const payPage = `${this.ctx.config.publicUrl.replace(/\/$/, '')}/p/${publicId}`;
    const base = { publicId, now, placement: input };

    if (input.kind === 'static') {
      const validDays = input.validDays ?? 365;
      if (!Number.isInteger(validDays) || validDays < 1 || validDays > 3650) throw new DomainError('EXPIRY_INVALID');
      const validFrom = input.validFrom ?? now;
      return this.store(actor, base, {
        kind: 'static',
        content: payPage,
        provider: 'paydesk',
        providerKind: 'static',
        amountFen: null,
        validFrom,
        expiresAt: validFrom + validDays * day,
      });
    }

    if (input.kind === 'dynamic') {
      if (!isValidAmountFen(input.amountFen)) throw new DomainError('AMOUNT_INVALID', [{ field: 'amountFen', code: 'AMOUNT_INVALID' }]);
      const minutes = checkMinutes(input.expiresInMinutes);
      return this.store(actor, base, {
        kind: 'dynamic',
        content: payPage,
        provider: 'paydesk',
        providerKind: 'dynamic',
        amountFen: input.amountFen,
        validFrom: now,
        expiresAt: now + minutes * minute,
      });
    }

    const account = await this.ctx.repos.channelAccounts.findFor(actor.merchantId, 'unionpay_emv', input.storeId);
    if (!account) throw new DomainError('EMV_ACCOUNT_MISSING');
    const merchant = await this.ctx.repos.merchants.findById(actor.merchantId);
    if (input.amountFen !== undefined && !isValidAmountFen(input.amountFen)) {
      throw new DomainError('AMOUNT_INVALID', [{ field: 'amountFen', code: 'AMOUNT_INVALID' }]);
    }
    const dynamic = input.amountFen !== undefined;
    const content = (serial: string) =>
      buildEmvContent(JSON.parse(account.config), { merchantName: merchant?.name ?? '', amountFen: input.amountFen, reference: serial });
    const validDays = input.validDays ?? 365;
    if (!dynamic && (!Number.isInteger(validDays) || validDays < 1 || validDays > 3650)) throw new DomainError('EXPIRY_INVALID');
    return this.store(actor, base, {
      kind: dynamic ? 'dynamic' : 'static',
      content,
      provider: 'emvco',
      providerKind: dynamic ? 'dynamic' : 'static',
      amountFen: input.amountFen ?? null,
      validFrom: now,
      expiresAt: dynamic ? now + checkMinutes(input.expiresInMinutes) * minute : now + validDays * day,
    });
  }

  /**
   * Reads an uploaded picture of an existing code. Only a clear picture of a wallet's collection code is
   * kept (with its decoded text and the original image); every other outcome is a specific reason to
   * retake the picture, and nothing is stored.
   */
  async upload(actor: Actor, input: Placement & { bytes: Buffer; validDays?: number | undefined }): Promise<UploadResult> {
    requirePermission(actor, 'code.manage');
    await this.checkPlacement(actor, input);
    const decoded = await this.ctx.decoder.decode(input.bytes);
    if (!decoded.ok) throw new DomainError(decodeFailures[decoded.reason] ?? 'IMAGE_NO_CODE', [], { verdict: decoded.reason });
    if (decoded.codes.length > 1) {
      throw new DomainError('IMAGE_MULTIPLE_CODES', [], { verdict: 'multiple_codes', count: decoded.codes.length });
    }
    const text = decoded.codes[0]?.text ?? '';
    const recognised = recogniseCollectionCode(text);
    if (
      recognised.flags.includes('dangerous_scheme') ||
      recognised.flags.includes('too_long') ||
      recognised.flags.includes('control_chars')
    ) {
      throw new DomainError('CODE_DANGEROUS', [], { verdict: 'dangerous', flags: recognised.flags });
    }
    if (!acceptedUploads.has(recognised.provider) || recognised.kind === 'dynamic') {
      throw new DomainError('IMAGE_NOT_PAYMENT_CODE', [], {
        verdict: 'not_a_payment_code',
        text: text.slice(0, 300),
        provider: recognised.provider,
        kind: recognised.kind,
      });
    }
    const validDays = input.validDays ?? 365;
    if (!Number.isInteger(validDays) || validDays < 1 || validDays > 3650) throw new DomainError('EXPIRY_INVALID');

    const now = this.ctx.now();
    const notice = recognised.kind === 'personal' ? 'personal_code' : null;
    const mime = `image/${decoded.type}`;
    const code = await this.store(
      actor,
      { publicId: randomToken(16), now, placement: input },
      {
        kind: 'static',
        content: recognised.normalized,
        provider: recognised.provider,
        providerKind: recognised.kind === 'merchant' || recognised.kind === 'personal' ? recognised.kind : 'static',
        amountFen: null,
        validFrom: now,
        expiresAt: now + validDays * day,
        notice,
        image: { mime, bytes: input.bytes, width: decoded.width, height: decoded.height },
      },
    );
    return { code, verdict: 'clear', notice };
  }

  async setStatus(actor: Actor, id: string, status: 'active' | 'disabled'): Promise<CollectionCode> {
    const code = await this.get(actor, id);
    requirePermission(actor, 'code.manage');
    const now = this.ctx.now();
    await inTransaction(this.ctx, async (repos) => {
      if (await repos.codes.setStatus(actor.merchantId, id, status, now)) {
        await repos.audit.append(
          auditRow(this.ctx, actor.merchantId, actor.userId, status === 'disabled' ? 'code.disabled' : 'code.enabled', 'code', id, {
            serial: code.serial,
          }),
        );
      }
    });
    return { ...code, status, updated_at: now };
  }

  async image(actor: Actor, id: string) {
    await this.get(actor, id);
    const image = await this.ctx.repos.codes.findImage(actor.merchantId, id);
    if (!image) throw new DomainError('NOT_FOUND');
    return image;
  }

  private async checkPlacement(actor: Actor, placement: Placement): Promise<void> {
    assertStoreVisible(actor, placement.storeId);
    const store = await this.ctx.repos.stores.findById(actor.merchantId, placement.storeId);
    if (!store) throw new DomainError('NOT_FOUND');
    if (placement.stationId) {
      const station = await this.ctx.repos.stations.findById(actor.merchantId, placement.stationId);
      if (!station || station.store_id !== store.id) throw new DomainError('NOT_FOUND');
    }
  }

  private async store(
    actor: Actor,
    base: { publicId: string; now: number; placement: Placement },
    c: {
      kind: 'static' | 'dynamic';
      /** The text in the QR; a function when it must carry the code's own serial number. */
      content: string | ((serial: string) => string);
      provider: CollectionCode['provider'];
      providerKind: CollectionCode['provider_kind'];
      amountFen: number | null;
      validFrom: number;
      expiresAt: number;
      notice?: string | null;
      image?: { mime: string; bytes: Buffer; width: number; height: number };
    },
  ): Promise<CollectionCode> {
    const merchant = await this.ctx.repos.merchants.findById(actor.merchantId);
    if (!merchant) throw new DomainError('NOT_FOUND');
    // The serial is unique per merchant; two codes made at the same instant race for it, so retry.
    for (let attempt = 0; ; attempt += 1) {
      const serial = await this.ctx.repos.codes.nextSerial(actor.merchantId);
      const code: CollectionCode = {
        id: newId(),
        merchant_id: actor.merchantId,
        store_id: base.placement.storeId,
        station_id: base.placement.stationId ?? null,
        serial,
        public_id: base.publicId,
        kind: c.kind,
        source: c.image ? 'uploaded' : 'generated',
        content: typeof c.content === 'function' ? c.content(serial) : c.content,
        provider: c.provider,
        provider_kind: c.providerKind,
        merchant_name: merchant.name,
        amount_fen: c.amountFen,
        valid_from: c.validFrom,
        expires_at: c.expiresAt,
        status: 'active',
        notice: c.notice ?? null,
        created_by: actor.userId,
        created_at: base.now,
        updated_at: base.now,
      };
      try {
        await inRequestTransaction(this.ctx, actor, async (repos) => {
          await repos.codes.insert(code);
          if (c.image) {
            await repos.codes.insertImage({
              code_id: code.id,
              merchant_id: actor.merchantId,
              mime: c.image.mime,
              bytes: c.image.bytes,
              width: c.image.width,
              height: c.image.height,
              sha256: createHash('sha256').update(c.image.bytes).digest('hex'),
              created_at: base.now,
            });
          }
          await repos.audit.append(
            auditRow(this.ctx, actor.merchantId, actor.userId, c.image ? 'code.uploaded' : 'code.generated', 'code', code.id, {
              serial: code.serial,
              kind: code.kind,
              provider: code.provider,
              storeId: code.store_id,
              stationId: code.station_id,
              amountFen: code.amount_fen,
            }),
          );
        });
        return code;
      } catch (err) {
        if (attempt >= 3 || !/unique|duplicate/i.test(String((err as Error).message))) throw err;
      }
    }
  }
}

function checkMinutes(value: number | undefined): number {
  const minutes = value ?? 5;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 120) throw new DomainError('EXPIRY_INVALID');
  return minutes;
}
