import { type CodeBinding, type CollectionCode, newId } from '@paydesk/db';
import { type BindingMethod, checkMerchantNo, DomainError, methodsForProvider } from '@paydesk/domain';
import { type AppContext, inRequestTransaction, inTransaction } from '../context.ts';
import { type Actor, assertStoreVisible, requirePermission, storeScope } from './actor.ts';
import { auditRow } from './audit.ts';

export interface BindingInput {
  codeId: string;
  storeId: string;
  stationId?: string | null | undefined;
  method: BindingMethod;
  merchantNo: string;
}

export interface BindingPreview {
  code: CollectionCode;
  storeName: string;
  stationName: string | null;
  method: BindingMethod;
  merchantNo: string;
  /** The binding this one will retire, if the place already has one for this method. */
  replaces: CodeBinding | null;
}

/** "store:<id>" for a store-wide binding, else the station id: one key for the one-active rule. */
export const scopeKey = (storeId: string, stationId: string | null) => stationId ?? `store:${storeId}`;

/**
 * The brief's step 4: choose a code, say where it goes and for which wallet with which merchant number,
 * review, confirm. A place holds one active binding per method; confirming a new one retires the old,
 * and both stay in the history.
 */
export class BindingService {
  constructor(private readonly ctx: AppContext) {}

  async preview(actor: Actor, input: BindingInput): Promise<BindingPreview> {
    requirePermission(actor, 'binding.manage');
    const merchantNo = checkMerchantNo(input.method, input.merchantNo);
    if (!merchantNo.ok) throw new DomainError(merchantNo.code, [{ field: 'merchantNo', code: merchantNo.code }]);
    const code = await this.ctx.repos.codes.findById(actor.merchantId, input.codeId);
    if (!code) throw new DomainError('NOT_FOUND');
    assertStoreVisible(actor, code.store_id);
    if (code.status !== 'active' || code.expires_at <= this.ctx.now()) throw new DomainError('CODE_NOT_ACTIVE');
    if (!methodsForProvider(code.provider).includes(input.method)) {
      throw new DomainError('BINDING_METHOD_MISMATCH', [{ field: 'method', code: 'BINDING_METHOD_MISMATCH' }], {
        provider: code.provider,
        allowed: methodsForProvider(code.provider),
      });
    }
    assertStoreVisible(actor, input.storeId);
    const store = await this.ctx.repos.stores.findById(actor.merchantId, input.storeId);
    // A code belongs to the store it was made or uploaded for: binding it elsewhere would show the
    // wrong shop's name to customers.
    if (!store || store.id !== code.store_id) throw new DomainError('NOT_FOUND');
    const stationId = input.stationId ?? null;
    const station = stationId ? await this.ctx.repos.stations.findById(actor.merchantId, stationId) : undefined;
    if (stationId && (!station || station.store_id !== store.id)) throw new DomainError('NOT_FOUND');
    const replaces = await this.ctx.repos.bindings.findActive(actor.merchantId, scopeKey(store.id, stationId), input.method);
    return {
      code,
      storeName: store.name,
      stationName: station?.name ?? null,
      method: input.method,
      merchantNo: merchantNo.value,
      replaces: replaces ?? null,
    };
  }

  async confirm(actor: Actor, input: BindingInput): Promise<CodeBinding> {
    const preview = await this.preview(actor, input);
    const now = this.ctx.now();
    const binding: CodeBinding = {
      id: newId(),
      merchant_id: actor.merchantId,
      code_id: preview.code.id,
      store_id: preview.code.store_id,
      station_id: input.stationId ?? null,
      scope_key: scopeKey(preview.code.store_id, input.stationId ?? null),
      method: input.method,
      merchant_no: preview.merchantNo,
      status: 'active',
      verified_at: null,
      created_by: actor.userId,
      created_at: now,
      retired_at: null,
      retired_by: null,
    };
    try {
      await inRequestTransaction(this.ctx, actor, async (repos) => {
        if (preview.replaces) {
          if (!(await repos.bindings.retire(actor.merchantId, preview.replaces.id, actor.userId, now)))
            throw new DomainError('BINDING_CONFLICT');
          await repos.audit.append(
            auditRow(this.ctx, actor.merchantId, actor.userId, 'binding.retired', 'binding', preview.replaces.id, {
              codeId: preview.replaces.code_id,
              replacedBy: binding.id,
            }),
          );
        }
        await repos.bindings.insert(binding);
        await repos.audit.append(
          auditRow(this.ctx, actor.merchantId, actor.userId, 'binding.created', 'binding', binding.id, {
            codeId: binding.code_id,
            serial: preview.code.serial,
            storeId: binding.store_id,
            stationId: binding.station_id,
            method: binding.method,
            merchantNo: binding.merchant_no,
            replaces: preview.replaces
              ? { id: preview.replaces.id, codeId: preview.replaces.code_id, merchantNo: preview.replaces.merchant_no }
              : null,
          }),
        );
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      // The one-active unique index: someone else bound this place and method in between.
      if (/unique|duplicate/i.test(String((err as Error).message))) throw new DomainError('BINDING_CONFLICT');
      throw err;
    }
    return binding;
  }

  async retire(actor: Actor, id: string): Promise<CodeBinding> {
    requirePermission(actor, 'binding.manage');
    const binding = await this.ctx.repos.bindings.findById(actor.merchantId, id);
    if (!binding) throw new DomainError('NOT_FOUND');
    assertStoreVisible(actor, binding.store_id);
    const now = this.ctx.now();
    await inTransaction(this.ctx, async (repos) => {
      if (await repos.bindings.retire(actor.merchantId, id, actor.userId, now)) {
        await repos.audit.append(
          auditRow(this.ctx, actor.merchantId, actor.userId, 'binding.retired', 'binding', id, { codeId: binding.code_id }),
        );
      }
    });
    return (await this.ctx.repos.bindings.findById(actor.merchantId, id)) ?? binding;
  }

  async list(actor: Actor, filter: { codeId?: string | undefined; activeOnly?: boolean }): Promise<CodeBinding[]> {
    requirePermission(actor, 'code.read');
    return this.ctx.repos.bindings.list(actor.merchantId, { ...filter, storeId: storeScope(actor) });
  }

  /** A code's whole story: its own audit entries and those of every binding it ever had. */
  async history(actor: Actor, codeId: string) {
    requirePermission(actor, 'code.read');
    const code = await this.ctx.repos.codes.findById(actor.merchantId, codeId);
    if (!code) throw new DomainError('NOT_FOUND');
    assertStoreVisible(actor, code.store_id);
    const bindings = await this.ctx.repos.bindings.list(actor.merchantId, { codeId });
    const entries = (
      await Promise.all([codeId, ...bindings.map((b) => b.id)].map((id) => this.ctx.repos.audit.list(actor.merchantId, { targetId: id })))
    ).flat();
    entries.sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
    return { code, bindings, entries };
  }
}
