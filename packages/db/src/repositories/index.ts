import type { Dialect } from '../connect.ts';
import type { Atomic } from '../write-batch.ts';
import { AuditRepository } from './audit.repository.ts';
import { BindingRepository } from './binding.repository.ts';
import { ChannelAccountRepository } from './channel-account.repository.ts';
import { CollectionCodeRepository } from './collection-code.repository.ts';
import { DevMessageRepository } from './dev-message.repository.ts';
import type { Executor } from './executor.ts';
import { HousekeepingRepository } from './housekeeping.repository.ts';
import { IdempotencyRepository } from './idempotency.repository.ts';
import { MerchantRepository } from './merchant.repository.ts';
import { OtpRepository } from './otp.repository.ts';
import { OutboxRepository } from './outbox.repository.ts';
import { PaymentRepository } from './payment.repository.ts';
import { RateLimitRepository } from './rate-limit.repository.ts';
import { SaleRepository } from './sale.repository.ts';
import { SessionRepository } from './session.repository.ts';
import { SimRepository } from './sim.repository.ts';
import { StationRepository } from './station.repository.ts';
import { StoreRepository } from './store.repository.ts';
import { UserRepository } from './user.repository.ts';

/**
 * `atomic`: the database's atomic units (Db.atomic), for the writes that use them on SQLite; given for
 * the repositories of the database itself, not of a transaction.
 */
export function repositories(db: Executor, dialect: Dialect, atomic?: Atomic) {
  return {
    merchants: new MerchantRepository(db),
    users: new UserRepository(db, dialect),
    sessions: new SessionRepository(db, dialect),
    otp: new OtpRepository(db),
    rateLimits: new RateLimitRepository(db),
    outbox: new OutboxRepository(db, dialect),
    devMessages: new DevMessageRepository(db),
    stores: new StoreRepository(db),
    stations: new StationRepository(db, dialect),
    audit: new AuditRepository(db),
    idempotency: new IdempotencyRepository(db),
    codes: new CollectionCodeRepository(db),
    bindings: new BindingRepository(db, dialect),
    channelAccounts: new ChannelAccountRepository(db, dialect),
    payments: new PaymentRepository(db, dialect),
    sales: new SaleRepository(db, dialect, atomic),
    sim: new SimRepository(db, dialect, atomic),
    housekeeping: new HousekeepingRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
export type { IdempotencyRecord } from './idempotency.repository.ts';
export type { PaymentFilter } from './payment.repository.ts';
export type { LiveSession } from './session.repository.ts';
export type { Executor };
