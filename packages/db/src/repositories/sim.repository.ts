import { runAlone } from '../coalescer.ts';
import type { Dialect } from '../connect.ts';
import type { SimPayerCode, SimRefund, SimTrade } from '../schema.ts';
import type { Atomic } from '../write-batch.ts';
import { coalescerFor, runBatch, sharedLookup } from './batched.ts';
import { columnsOf, type Executor } from './executor.ts';
import { prepared } from './prepared.ts';

/** The simulator gateway's own books, kept apart from ours as a wallet's would be. */
// A scanned-code sale runs these in the simulator's books (prepared.ts).
const insertTradeQuery = prepared((db, row: Omit<SimTrade, 'refunded_fen'>) =>
  db
    .insertInto('sim_trades')
    .values(row)
    .onConflict((oc) => oc.columns(['merchant_id', 'out_trade_no']).doNothing()),
);
const tradeQuery = prepared((db, merchantId: string, outTradeNo: string) =>
  db.selectFrom('sim_trades').selectAll().where('merchant_id', '=', merchantId).where('out_trade_no', '=', outTradeNo),
);
const usePayerCodeQuery = prepared((db, merchantId: string, code: string, now: number) =>
  db
    .updateTable('sim_payer_codes')
    .set({ used_at: now })
    .where('merchant_id', '=', merchantId)
    .where('code', '=', code)
    .where('used_at', 'is', null)
    .returningAll(),
);

// PostgreSQL: code payments booked in one statement (batched.ts), all or nothing, each code used at most
// once: codes used up and trades booked for exactly the codes this statement used. One booking is the
// same statement with one. The codes are locked sorted (two statements take them in one order); a shared
// statement skips a code someone else holds (that booking then runs by itself and waits alone).
function bookText(columns: readonly string[], held: 'skip' | 'wait'): string {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return `with u as (select * from json_to_recordset($1::json) as u(i int, merchant_id text, code text, now bigint)),
l as (select t.merchant_id, t.code from sim_payer_codes t join u on t.merchant_id = u.merchant_id and t.code = u.code
  where t.used_at is null order by t.merchant_id, t.code for no key update of t${held === 'skip' ? ' skip locked' : ''}),
c as (update sim_payer_codes t set used_at = u.now from u
  where t.merchant_id = u.merchant_id and t.code = u.code and t.used_at is null
    and (t.merchant_id, t.code) in (select merchant_id, code from l) returning u.i),
b as (insert into sim_trades (${list}) select ${list} from json_populate_recordset(null::sim_trades, $2::json) with ordinality r
  where r.ordinality - 1 in (select i from c))
select i from c`;
}

interface Booking {
  merchantId: string;
  code: string;
  now: number;
  row: Omit<SimTrade, 'refunded_fen'>;
}
/** booked: the code was used up by this booking; taken: the order number was booked already; stale: the code was not free. */
type BookingResult = 'booked' | 'taken' | 'stale';

/** What a code payment did to the simulator's books. */
export interface BookedCodePayment {
  row: Omit<SimTrade, 'refunded_fen'>;
  /** The payer code as it was found (undefined: no such code). */
  payer: SimPayerCode | undefined;
  /** The code had paid before: this use is refused. */
  used: boolean;
}

/** The order number is booked already: the booking rolls back, and the caller answers with that trade. */
class TradeExists extends Error {}

const payerCodeQuery = prepared((db, merchantId: string, code: string) =>
  db.selectFrom('sim_payer_codes').selectAll().where('merchant_id', '=', merchantId).where('code', '=', code),
);
// PostgreSQL: the same for every sale of the moment at once (batched.ts).
const payerCodeRows = sharedLookup<{ merchant_id: string; code: string }, SimPayerCode>(
  'sim.payer-code',
  `select x.i, c.* from json_to_recordset($1::json) as x(i int, merchant_id text, code text)
join sim_payer_codes c on c.merchant_id = x.merchant_id and c.code = x.code`,
  (db, dialect, x) => payerCodeQuery.rows(db, dialect, x.merchant_id, x.code),
);

export class SimRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
    private readonly atomic?: Atomic | undefined,
  ) {}

  async insertTrade(row: Omit<SimTrade, 'refunded_fen'>): Promise<boolean> {
    return (await insertTradeQuery.changed(this.db, this.dialect, row)) > 0;
  }

  async trade(merchantId: string, outTradeNo: string): Promise<SimTrade | undefined> {
    return tradeQuery.first(this.db, this.dialect, merchantId, outTradeNo);
  }

  async tradeByCode(merchantId: string, codeText: string): Promise<SimTrade | undefined> {
    return this.db
      .selectFrom('sim_trades')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('code_text', '=', codeText)
      .executeTakeFirst();
  }

  async tradeByTradeNo(merchantId: string, tradeNo: string): Promise<SimTrade | undefined> {
    return this.db
      .selectFrom('sim_trades')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('trade_no', '=', tradeNo)
      .executeTakeFirst();
  }

  async moveTrade(
    merchantId: string,
    outTradeNo: string,
    from: SimTrade['state'][],
    to: SimTrade['state'],
    patch: Partial<Pick<SimTrade, 'paid_at' | 'fail_code'>>,
    now: number,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('sim_trades')
      .set({ ...patch, state: to, updated_at: now })
      .where('merchant_id', '=', merchantId)
      .where('out_trade_no', '=', outTradeNo)
      .where('state', 'in', from)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async open(merchantId: string, now: number): Promise<SimTrade[]> {
    return this.db
      .selectFrom('sim_trades')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('state', 'in', ['NOTPAY', 'USERPAYING'])
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .limit(50)
      .execute();
  }

  async addRefunded(merchantId: string, outTradeNo: string, amountFen: number): Promise<boolean> {
    const res = await this.db
      .updateTable('sim_trades')
      .set((eb) => ({ refunded_fen: eb('refunded_fen', '+', amountFen) }))
      .where('merchant_id', '=', merchantId)
      .where('out_trade_no', '=', outTradeNo)
      .where('state', '=', 'SUCCESS')
      .where((eb) => eb(eb('refunded_fen', '+', amountFen), '<=', eb.ref('amount_fen')))
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async insertRefund(row: SimRefund): Promise<boolean> {
    const res = await this.db
      .insertInto('sim_refunds')
      .values(row)
      .onConflict((oc) => oc.columns(['merchant_id', 'out_refund_no']).doNothing())
      .executeTakeFirst();
    return (res.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async refund(merchantId: string, outRefundNo: string): Promise<SimRefund | undefined> {
    return this.db
      .selectFrom('sim_refunds')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('out_refund_no', '=', outRefundNo)
      .executeTakeFirst();
  }

  async insertPayerCode(row: SimPayerCode): Promise<void> {
    await this.db.insertInto('sim_payer_codes').values(row).execute();
  }

  async payerCode(merchantId: string, code: string): Promise<SimPayerCode | undefined> {
    const [row] = await payerCodeRows(this.db, this.dialect, { merchant_id: merchantId, code });
    return row;
  }

  /** A payment code pays once, like a wallet's one-minute code: the code, if this use was its first. */
  async usePayerCode(merchantId: string, code: string, now: number): Promise<SimPayerCode | undefined> {
    return usePayerCodeQuery.first(this.db, this.dialect, merchantId, code, now);
  }

  /**
   * A scanned-code payment in the wallet's books: the code is used up exactly when its trade is booked.
   * `tradeFor` makes the trade from the code as found. Undefined when the order number was booked
   * already (nothing changes; the caller answers with that trade, as a wallet answers a retry).
   */
  async bookCodePayment(
    merchantId: string,
    code: string,
    now: number,
    tradeFor: (payer: SimPayerCode | undefined, used: boolean) => Omit<SimTrade, 'refunded_fen'>,
  ): Promise<BookedCodePayment | undefined> {
    if (this.db.isTransaction) throw new Error('a booking runs on its own, never inside a transaction');
    if (this.dialect === 'postgres') {
      const payer = await this.payerCode(merchantId, code);
      if (payer && payer.used_at === null) {
        const row = tradeFor(payer, false);
        const result = await this.bookOnPostgres({ merchantId, code, now, row });
        if (result === 'booked') return { row, payer, used: false };
        if (result === 'taken') return undefined;
      }
      // A code that had paid before (or since it was read) is refused; so is one never handed out.
      const used = payer !== undefined;
      const row = tradeFor(payer, used);
      return (await this.insertTrade(row)) ? { row, payer, used } : undefined;
    }
    if (!this.atomic) throw new Error('SQLite bookings run as atomic units: repositories(db.kysely, db.dialect, db.atomic)');
    const { db, dialect } = this;
    return this.atomic((run) => {
      const [fresh] = run.rows<SimPayerCode>(usePayerCodeQuery.statement(db, dialect, merchantId, code, now));
      const payer = fresh ?? run.rows<SimPayerCode>(payerCodeQuery.statement(db, dialect, merchantId, code))[0];
      const used = payer !== undefined && fresh === undefined;
      const row = tradeFor(payer, used);
      if (run.changed(insertTradeQuery.statement(db, dialect, row)) === 0) throw new TradeExists();
      return { row, payer, used };
    }).catch((err: unknown) => {
      if (err instanceof TradeExists) return undefined;
      throw err;
    });
  }

  private bookOnPostgres(booking: Booking): Promise<BookingResult> {
    const { db } = this;
    const columns = columnsOf(booking.row);
    const book = async (bookings: readonly Booking[], held: 'skip' | 'wait') => {
      const used = await runBatch<{ i: number }>(db, bookText(columns, held), [
        bookings.map((b, i) => ({ i, merchant_id: b.merchantId, code: b.code, now: b.now })),
        bookings.map((b) => b.row),
      ]);
      return new Set(used.map((u) => u.i));
    };
    return coalescerFor(db, `sim.book:${columns.join(',')}`, () => ({
      many: async (bookings: readonly Booking[]) => {
        const booked = await book(bookings, 'skip');
        return bookings.map((_, i) => (booked.has(i) ? ('booked' as const) : runAlone));
      },
      one: async (b: Booking): Promise<BookingResult> => {
        try {
          return (await book([b], 'wait')).has(0) ? 'booked' : 'stale';
        } catch (err) {
          if ((err as { constraint?: string }).constraint === 'sim_trades_pk') return 'taken';
          throw err;
        }
      },
      // One code in a statement once: a second use of it must find it used.
      key: (b: Booking) => `${b.merchantId}/${b.code}`,
    })).run(booking);
  }

  async payerCodes(merchantId: string): Promise<SimPayerCode[]> {
    return this.db
      .selectFrom('sim_payer_codes')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .orderBy('created_at', 'desc')
      .limit(20)
      .execute();
  }
}
