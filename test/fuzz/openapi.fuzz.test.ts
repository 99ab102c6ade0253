import { randomUUID } from 'node:crypto';
import type { Db } from '@paydesk/db';
import { type ErrorCode, errorCatalogue } from '@paydesk/domain';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sell, shopAtCounter } from '../support/checkout.ts';
import { uploadCode } from '../support/codes.ts';
import { dialects } from '../support/databases.ts';
import { digestedTables, tableDigests } from '../support/db-digest.ts';
import { rowsOf } from '../support/db-helpers.ts';
import { goodPassword } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import {
  type FuzzCase,
  jsonBodySchema,
  mutationCases,
  type Operation,
  operationsOf,
  readCases,
  type Schema,
  type Values,
} from './openapi-cases.ts';
import { fuzzSeed, SeededRandom } from './seeded-random.ts';

/**
 * What may change while a request is refused. A signed-in request slides the session's idle expiry
 * (last_seen_at and expires_at move together, at most once a minute): that is bookkeeping of the
 * caller's own session, not something the refused request did. Nothing else is ignored, not even the
 * rate-limit counters: every case here is refused before a sign-in or PIN is even tried, so none may count.
 */
const ignore = ['sessions.last_seen_at', 'sessions.expires_at'];

const seed = fuzzSeed();

interface Fixture {
  owner: HttpClient;
  ownerPhone: string;
  stationId: string;
  values: Values;
}

/**
 * A shop with a few of everything the API has ids for: store, station, staff, an uploaded wallet code
 * bound to the station, a generated store code, a paid and refunded cash sale, a pending code payment
 * with its simulator trade, an open order, a customer payment code and a UnionPay account.
 */
async function shopWithRows(t: TestApp): Promise<Fixture> {
  const shop = await shopAtCounter(t);
  const owner = shop.owner.client;
  const ok = async (res: Promise<{ status: number; body: any; text: string }>, what: string) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`${what} failed: ${r.status} ${r.text}`);
    return r.body;
  };
  // The owner works at the counter too, so that payment routes get past "which station?".
  await ok(owner.post('/api/auth/station', { stationId: shop.stationId }), 'open station');
  const wallet = await uploadCode(owner, 'https://payapp.weixin.qq.com/qr/FUZZ0001', shop.storeId);
  const storeCode = await ok(owner.post('/api/codes', { kind: 'static', storeId: shop.storeId }), 'store code');
  const binding = await ok(
    owner.post('/api/bindings', {
      codeId: wallet.id,
      storeId: shop.storeId,
      stationId: shop.stationId,
      method: 'wechatpay',
      merchantNo: '1900000109',
    }),
    'binding',
  );
  const channel = await ok(
    owner.put('/api/channels/unionpay-emv', {
      acquirerIin: '12345678',
      merchantNo: '123456789012345',
      mcc: '5411',
      nameLatin: 'PAYDESK',
      city: 'Beijing',
    }),
    'UnionPay account',
  );
  const cash = await ok(sell(shop.cashier.client, 2372, { flow: 'cash', tenderedFen: 5000 }), 'cash sale');
  await ok(owner.post(`/api/payments/${cash.id}/refunds`, { amountFen: 100, reason: '退一瓶水' }), 'refund');
  const pending = await ok(sell(shop.cashier.client, 1500, { flow: 'dynamic_code' }), 'code payment');
  const trade = await ok(owner.post('/api/sim/scan', { codeText: pending.codeText }), 'scan');
  const openOrderId = randomUUID();
  await ok(owner.post('/api/orders', { id: openOrderId, amountFen: 990 }), 'open order');
  await ok(owner.post('/api/sim/payer-codes', { wallet: 'wechat', behaviour: { action: 'pay' } }), 'payer code');

  const real: Record<string, string[]> = {
    stores: [shop.storeId],
    stations: [shop.stationId],
    staff: [shop.manager.id, shop.cashier.id],
    codes: [wallet.id, storeCode.id],
    bindings: [binding.id],
    channels: [channel.id],
    accountId: [channel.id],
    orders: [openOrderId, cash.orderId],
    payments: [cash.id, pending.id],
    tradeNo: [trade.tradeNo],
    publicId: [storeCode.payPageId],
    method: ['wechatpay', 'alipay'],
  };
  const references: Record<string, string> = {
    storeId: shop.storeId,
    stationId: shop.stationId,
    codeId: wallet.id,
    userId: shop.manager.id,
    cashierId: shop.cashier.id,
    login: shop.owner.phone,
    merchantNo: '1900000109',
    'x-sim-merchant': shop.owner.merchantId,
  };
  return {
    owner,
    ownerPhone: shop.owner.phone,
    stationId: shop.stationId,
    values: {
      // "{id}" names the collection before it (/api/codes/{id} takes a code's id); "{paymentId}" names payments.
      real: (param, path) => {
        const segments = path.split('/');
        const key = param === 'id' ? (segments[segments.indexOf('{id}') - 1] ?? '') : param;
        return real[key] ?? real[`${param.replace(/Id$/, '')}s`] ?? [];
      },
      reference: (name) => references[name],
    },
  };
}

/** Resolves local $refs of the document. */
function resolve(spec: Schema, schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(spec, spec.components.schemas[name]);
}

/** Why a refusal is not in the shape the document promises, or null. */
function refusalProblem(
  spec: Schema,
  ajv: Ajv,
  op: Operation,
  res: { status: number; body: any; text: string; type: string },
): string | null {
  const content: Record<string, { schema?: Schema }> = op.doc.responses?.[String(res.status)]?.content ?? {};
  const documented = content['application/json']?.schema ? resolve(spec, content['application/json'].schema as Schema) : undefined;
  if (documented && !documented.properties?.error) {
    return ajv.validate(documented, res.body) ? null : `answer does not match the documented ${res.status}: ${ajv.errorsText()}`;
  }
  const otherTypes = Object.keys(content).filter((type) => type !== 'application/json');
  if (!documented && otherTypes.length > 0) {
    return otherTypes.some((type) => res.type.startsWith(type))
      ? null
      : `answers ${res.type} where the document says ${otherTypes.join(', ')}`;
  }
  const error = res.body?.error;
  const code = error?.code as ErrorCode | undefined;
  if (!res.type.startsWith('application/json')) return `answers ${res.type}, not the JSON error`;
  if (!res.body || Object.keys(res.body).join() !== 'error') return 'not the {"error": …} shape';
  if (!code || !(code in errorCatalogue)) return `unknown error code ${JSON.stringify(code)}`;
  if (errorCatalogue[code].status !== res.status)
    return `${code} answered with ${res.status}, the catalogue says ${errorCatalogue[code].status}`;
  if (error.message !== errorCatalogue[code].zh) return `${code} with the message ${JSON.stringify(error.message)}`;
  return null;
}

/**
 * Values no row may hold, whatever request put them there: numbers that are not safe integers (every
 * number column is integer fen, a count or epoch ms) and negative money, except in the signed cash
 * ledger and the rounding a shop gives or takes.
 */
async function impossibleValues(db: Db): Promise<string[]> {
  const problems: string[] = [];
  for (const table of digestedTables) {
    for (const row of await rowsOf(db, table)) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value !== 'number') continue;
        const signed = table === 'cash_movements' || column === 'rounding_fen';
        if (!Number.isSafeInteger(value) || (/_fen$/.test(column) && !signed && value < 0)) problems.push(`${table}.${column} = ${value}`);
      }
    }
  }
  return problems;
}

const preview = (payload: FuzzCase['payload']) =>
  payload === undefined
    ? '(none)'
    : Buffer.isBuffer(payload)
      ? `<${payload.length} bytes>`
      : payload.length > 160
        ? `${JSON.stringify(payload.slice(0, 160))}… (${payload.length} characters)`
        : JSON.stringify(payload);

const invalidKeys = ['', ' ', 'ключ', 'a b', 'x'.repeat(101)];

describe.each(dialects)('OpenAPI fuzzer on %s', (dialect) => {
  let t: TestApp;
  let fixture: Fixture;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    fixture = await shopWithRows(t);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('answers every hostile request to every operation with a clean refusal that changes nothing', async () => {
    const rnd = new SeededRandom(seed);
    const replay = `seed ${seed} (replay: FUZZ_SEED=${seed})`;
    console.info(`OpenAPI fuzzer on ${dialect}: ${replay}`);
    const spec = (await fixture.owner.get('/api/openapi.json')).body as Schema;
    const ajv = new Ajv({ strict: false, allErrors: false });
    const findings: string[] = [];
    const statuses = new Map<number, number>();

    async function send(c: FuzzCase, key: string | undefined) {
      const headers: Record<string, string> = { 'accept-language': 'zh-CN', ...c.headers };
      if (fixture.owner.cookie) headers.cookie = fixture.owner.cookie;
      if (fixture.owner.csrf) headers['x-csrf-token'] = fixture.owner.csrf;
      if (c.contentType !== undefined) headers['content-type'] = c.contentType;
      if (key !== undefined) headers['idempotency-key'] = key;
      const res = await t.app.fastify.inject({
        method: c.method as 'GET',
        url: c.url,
        headers,
        remoteAddress: '10.9.9.9',
        ...(c.payload !== undefined && { payload: c.payload }),
      });
      let body: unknown;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.statusCode, body: body as any, text: res.body, type: String(res.headers['content-type'] ?? '') };
    }

    /** A request that succeeded may have ended the session or opened another: sign back in where we were. */
    async function stillSignedIn() {
      if ((await fixture.owner.get('/api/auth/session')).status === 200) return;
      await fixture.owner.post('/api/auth/login', { login: fixture.ownerPhone, password: goodPassword });
      await fixture.owner.post('/api/auth/station', { stationId: fixture.stationId });
    }

    let baseline = await tableDigests(t.db, { ignore });
    const seen = new Set(await impossibleValues(t.db));
    async function run(op: Operation, c: FuzzCase, key: string | undefined) {
      const res = await send(c, key);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const after = await tableDigests(t.db, { ignore });
      const changed = Object.keys(after).filter((table) => after[table] !== baseline[table]);
      const report = (problem: string) =>
        findings.push(
          `${problem}\n    ${c.label}: ${c.method} ${c.url.slice(0, 200)} [${c.contentType ?? 'no content type'}]` +
            `${key === undefined ? '' : ` Idempotency-Key ${JSON.stringify(key)}`} body ${preview(c.payload)}\n` +
            `    → ${res.status} ${res.text.slice(0, 300)}${changed.length > 0 ? `\n    changed: ${changed.join(', ')}` : ''}`,
        );
      if (res.status >= 500) report('5xx');
      else if (res.status >= 400) {
        const problem = refusalProblem(spec, ajv, op, res);
        if (problem) report(`refusal in the wrong shape: ${problem}`);
        if (changed.length > 0) report('a refused request changed the database');
      } else {
        if (c.mustRefuse) report('accepted a request that breaks the published contract');
        if (op.method === 'GET' && changed.length > 0) report('a read changed the database');
        const impossible = (await impossibleValues(t.db)).filter((v) => !seen.has(v));
        for (const v of impossible) seen.add(v);
        if (impossible.length > 0) report(`stored impossible values: ${impossible.join(', ')}`);
        await stillSignedIn();
      }
      baseline = res.status < 400 ? await tableDigests(t.db, { ignore }) : after;
    }

    const operations = operationsOf(spec);
    let count = 0;
    for (const op of operations) {
      if (op.method === 'GET') {
        for (const c of readCases(op, fixture.values, rnd)) {
          await run(op, c, undefined);
          count++;
        }
        continue;
      }
      const schema = jsonBodySchema(op);
      const validate = schema ? ajv.compile(schema) : () => false;
      const cases = mutationCases(op, fixture.values, rnd, (body) => validate(body) === true);
      for (const [i, c] of cases.entries()) {
        // With and without an Idempotency-Key. A key sent again must get the refusal again and change
        // nothing; a malformed key is refused whatever the body.
        const key = i % 2 === 0 ? undefined : `fuzz-${seed}-${count}`;
        await run(op, c, key);
        count++;
        if (key !== undefined && i % 6 === 1) {
          await run(op, c, key);
          count++;
        }
        if (i === 0) {
          await run(op, c, rnd.pick(invalidKeys));
          count++;
        }
      }
    }
    console.info(
      `OpenAPI fuzzer on ${dialect}: ${operations.length} operations, ${count} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(findings, `${findings.length} findings with ${replay}:\n${findings.join('\n')}`).toEqual([]);
  }, 180_000);
});
