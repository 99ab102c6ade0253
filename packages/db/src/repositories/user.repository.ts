import type { Dialect } from '../connect.ts';
import type { NewUser, User, UserUpdate } from '../schema.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';

// Every signed-in request reads its user (prepared.ts).
const findByIdQuery = prepared((db, merchantId: string, id: string) =>
  db.selectFrom('users').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id),
);

export class UserRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(row: NewUser): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  /** Sign-in is the one lookup that is not scoped to a merchant: the person has not said which one yet. */
  async findForSignIn(login: { phone?: string; email?: string }): Promise<User | undefined> {
    let q = this.db.selectFrom('users').selectAll();
    if (login.phone) q = q.where('phone', '=', login.phone);
    else if (login.email) q = q.where('email', '=', login.email);
    else return undefined;
    return q.executeTakeFirst();
  }

  async existsWithPhoneOrEmail(phone: string, email: string | null): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where((eb) => (email ? eb.or([eb('phone', '=', phone), eb('email', '=', email)]) : eb('phone', '=', phone)))
      .executeTakeFirst();
    return row !== undefined;
  }

  async findById(merchantId: string, id: string): Promise<User | undefined> {
    return findByIdQuery.first(this.db, this.dialect, merchantId, id);
  }

  async list(merchantId: string, filter: { storeId?: string | undefined } = {}): Promise<User[]> {
    let q = this.db.selectFrom('users').selectAll().where('merchant_id', '=', merchantId);
    if (filter.storeId) q = q.where('store_id', '=', filter.storeId);
    return q.orderBy('created_at').orderBy('id').execute();
  }

  async countActiveOwners(merchantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id', '=', merchantId)
      .where('role', '=', 'owner')
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(merchantId: string, id: string, patch: UserUpdate): Promise<void> {
    await this.db.updateTable('users').set(patch).where('merchant_id', '=', merchantId).where('id', '=', id).execute();
  }

  async activatePending(merchantId: string, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ status: 'active', updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('status', '=', 'pending')
      .execute();
  }

  /**
   * Counts a PIN attempt before the PIN is checked, in one conditional statement: concurrent guesses
   * each take a numbered try, and none gets past the limit however many are in flight. Answers the
   * attempt's number, or undefined when the limit was reached already. A right PIN clears the count.
   */
  async claimPinAttempt(id: string, limit: number): Promise<number | undefined> {
    const row = await this.db
      .updateTable('users')
      .set((eb) => ({ pin_failures: eb('pin_failures', '+', 1) }))
      .where('id', '=', id)
      .where('pin_failures', '<', limit)
      .returning('pin_failures')
      .executeTakeFirst();
    return row?.pin_failures;
  }

  async clearPinFailures(id: string): Promise<void> {
    await this.db.updateTable('users').set({ pin_failures: 0 }).where('id', '=', id).execute();
  }
}
