import { newId, type Station, type Store } from '@paydesk/db';
import { DomainError } from '@paydesk/domain';
import { type AppContext, inRequestTransaction, inTransaction } from '../context.ts';
import { type Actor, assertStoreVisible, requirePermission, storeScope } from './actor.ts';
import { auditRow } from './audit.ts';
import { FieldChecker } from './fields.ts';

export class StoreService {
  constructor(private readonly ctx: AppContext) {}

  listStores(actor: Actor): Promise<Store[]> {
    requirePermission(actor, 'store.read');
    return this.ctx.repos.stores.list(actor.merchantId, storeScope(actor));
  }

  async createStore(actor: Actor, input: { name: string; address: string }): Promise<Store> {
    requirePermission(actor, 'store.manage');
    const f = new FieldChecker();
    const name = f.text('name', input.name, 50);
    const address = f.text('address', input.address, 200, 0);
    f.done();
    const now = this.ctx.now();
    const store: Store = { id: newId(), merchant_id: actor.merchantId, name, address, created_at: now, updated_at: now };
    await inRequestTransaction(this.ctx, actor, async (repos) => {
      await repos.stores.insert(store);
      await repos.audit.append(auditRow(this.ctx, actor.merchantId, actor.userId, 'store.created', 'store', store.id, { name, address }));
    });
    return store;
  }

  async updateStore(actor: Actor, id: string, input: { name: string; address: string }): Promise<Store> {
    requirePermission(actor, 'store.manage');
    const f = new FieldChecker();
    const name = f.text('name', input.name, 50);
    const address = f.text('address', input.address, 200, 0);
    f.done();
    const before = await this.ctx.repos.stores.findById(actor.merchantId, id);
    if (!before) throw new DomainError('NOT_FOUND');
    const now = this.ctx.now();
    await inTransaction(this.ctx, async (repos) => {
      await repos.stores.update(actor.merchantId, id, { name, address, updated_at: now });
      await repos.audit.append(
        auditRow(this.ctx, actor.merchantId, actor.userId, 'store.updated', 'store', id, {
          before: { name: before.name, address: before.address },
          after: { name, address },
        }),
      );
    });
    return { ...before, name, address, updated_at: now };
  }

  async listStations(actor: Actor, storeId?: string): Promise<Station[]> {
    requirePermission(actor, 'station.read');
    if (storeId) {
      assertStoreVisible(actor, storeId);
      // A store of another merchant (or none at all) is missing, for an owner as for anyone else.
      if (!(await this.ctx.repos.stores.findById(actor.merchantId, storeId))) throw new DomainError('NOT_FOUND');
    }
    return this.ctx.repos.stations.list(actor.merchantId, storeId ?? storeScope(actor));
  }

  async createStation(actor: Actor, input: { storeId: string; name: string }): Promise<Station> {
    requirePermission(actor, 'station.manage');
    assertStoreVisible(actor, input.storeId);
    const f = new FieldChecker();
    const name = f.text('name', input.name, 50);
    f.done();
    const store = await this.ctx.repos.stores.findById(actor.merchantId, input.storeId);
    if (!store) throw new DomainError('NOT_FOUND');
    const now = this.ctx.now();
    const station: Station = { id: newId(), merchant_id: actor.merchantId, store_id: store.id, name, created_at: now, updated_at: now };
    await inRequestTransaction(this.ctx, actor, async (repos) => {
      await repos.stations.insert(station);
      await repos.audit.append(
        auditRow(this.ctx, actor.merchantId, actor.userId, 'station.created', 'station', station.id, { name, storeId: store.id }),
      );
    });
    return station;
  }

  async renameStation(actor: Actor, id: string, input: { name: string }): Promise<Station> {
    requirePermission(actor, 'station.manage');
    const f = new FieldChecker();
    const name = f.text('name', input.name, 50);
    f.done();
    const station = await this.ctx.repos.stations.findById(actor.merchantId, id);
    if (!station) throw new DomainError('NOT_FOUND');
    assertStoreVisible(actor, station.store_id);
    const now = this.ctx.now();
    await inTransaction(this.ctx, async (repos) => {
      await repos.stations.rename(actor.merchantId, id, name, now);
      await repos.audit.append(
        auditRow(this.ctx, actor.merchantId, actor.userId, 'station.renamed', 'station', id, { before: station.name, after: name }),
      );
    });
    return { ...station, name, updated_at: now };
  }
}
