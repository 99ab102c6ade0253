import type { Dialect } from '../connect.ts';
import type { Session, User } from '../schema.ts';
import { sharedLookup } from './batched.ts';
import type { Executor } from './executor.ts';
import { prepared } from './prepared.ts';

// Every signed-in request reads its session, its person and the station it is open at: one statement
// (prepared.ts). The person's columns come prefixed, as both tables have ids, merchants and timestamps.
const findLiveQuery = prepared((db, idHash: string, now: number) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (join) => join.onRef('u.merchant_id', '=', 's.merchant_id').onRef('u.id', '=', 's.user_id'))
    .leftJoin('stations as st', (join) => join.onRef('st.merchant_id', '=', 's.merchant_id').onRef('st.id', '=', 's.station_id'))
    .selectAll('s')
    .select(['st.id as st_id', 'st.store_id as st_store_id'])
    .select([
      'u.id as u_id',
      'u.merchant_id as u_merchant_id',
      'u.store_id as u_store_id',
      'u.name as u_name',
      'u.phone as u_phone',
      'u.email as u_email',
      'u.role as u_role',
      'u.password_hash as u_password_hash',
      'u.pin_hash as u_pin_hash',
      'u.status as u_status',
      'u.pin_failures as u_pin_failures',
      'u.created_at as u_created_at',
      'u.updated_at as u_updated_at',
    ])
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', now),
);

type LiveRow = Awaited<ReturnType<typeof findLiveQuery.rows>>[number];

// PostgreSQL: the same for every request of the moment at once (batched.ts).
const findLiveRows = sharedLookup<{ id_hash: string; now: number }, LiveRow>(
  'session.live',
  `select x.i, s.*, st.id as st_id, st.store_id as st_store_id, u.id as u_id,
  u.merchant_id as u_merchant_id, u.store_id as u_store_id, u.name as u_name, u.phone as u_phone, u.email as u_email,
  u.role as u_role, u.password_hash as u_password_hash, u.pin_hash as u_pin_hash, u.status as u_status,
  u.pin_failures as u_pin_failures, u.created_at as u_created_at, u.updated_at as u_updated_at
from json_to_recordset($1::json) as x(i int, id_hash text, now bigint)
join sessions s on s.id_hash = x.id_hash and s.expires_at > x.now
join users u on u.merchant_id = s.merchant_id and u.id = s.user_id
left join stations st on st.merchant_id = s.merchant_id and st.id = s.station_id`,
  (db, dialect, x) => findLiveQuery.rows(db, dialect, x.id_hash, x.now),
);

export interface LiveSession {
  session: Session;
  user: User;
  station: { id: string; storeId: string } | null;
}

export class SessionRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(row: Session): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  /**
   * A session that has not expired, with the person it belongs to (whatever that person's status) and
   * the station it is open at, if it is and that station still exists.
   */
  async findLive(idHash: string, now: number): Promise<LiveSession | undefined> {
    const [row] = await findLiveRows(this.db, this.dialect, { id_hash: idHash, now });
    if (!row) return undefined;
    // Built field by field: an object rest (`...session`) takes a slow generic path on every request.
    const session: Session = {
      id_hash: row.id_hash,
      merchant_id: row.merchant_id,
      user_id: row.user_id,
      station_id: row.station_id,
      csrf_token: row.csrf_token,
      created_at: row.created_at,
      last_seen_at: row.last_seen_at,
      expires_at: row.expires_at,
      ip: row.ip,
      user_agent: row.user_agent,
    };
    const user: User = {
      id: row.u_id,
      merchant_id: row.u_merchant_id,
      store_id: row.u_store_id,
      name: row.u_name,
      phone: row.u_phone,
      email: row.u_email,
      role: row.u_role,
      password_hash: row.u_password_hash,
      pin_hash: row.u_pin_hash,
      status: row.u_status,
      pin_failures: row.u_pin_failures,
      created_at: row.u_created_at,
      updated_at: row.u_updated_at,
    };
    const { st_id, st_store_id } = row;
    return { session, user, station: st_id && st_store_id ? { id: st_id, storeId: st_store_id } : null };
  }

  async touch(idHash: string, now: number, expiresAt: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** A password reset or a disabled account ends every session of that person. */
  async deleteForUser(merchantId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('merchant_id', '=', merchantId).where('user_id', '=', userId).execute();
  }
}
