import { describe, expect, it } from 'vitest';
import { type SignedMessage, sign, verify } from './protocol.ts';
import { SimulatorChannel } from './simulator.channel.ts';

const key = Buffer.alloc(32, 1);
const now = () => 1_800_000_000_000;

function channelAnswering(answer: (body: string) => SignedMessage) {
  return new SimulatorChannel({ merchantId: 'm1', key, now, transport: { call: async (_m, _op, req) => answer(req.body) } });
}

describe('simulator protocol', () => {
  it('verifies what it signs and refuses tampering, other keys and stale messages', () => {
    const m = sign(key, '{"a":1}', now());
    expect(verify(key, m, now())).toBeNull();
    expect(verify(key, { ...m, body: '{"a":2}' }, now())).toBe('bad_signature');
    expect(verify(Buffer.alloc(32, 2), m, now())).toBe('bad_signature');
    expect(verify(key, m, now() + 301_000)).toBe('stale_timestamp');
    expect(verify(key, { ...m, signature: undefined }, now())).toBe('missing_signature');
  });
});

describe('SimulatorChannel', () => {
  it('maps the gateway states to outcomes', async () => {
    for (const [state, expected] of [
      ['SUCCESS', 'succeeded'],
      ['USERPAYING', 'waiting'],
      ['NOTPAY', 'waiting'],
      ['PAYERROR', 'failed'],
      ['CLOSED', 'closed'],
      ['REVOKED', 'closed'],
    ] as const) {
      const ch = channelAnswering(() =>
        sign(key, JSON.stringify({ ok: true, trade: { outTradeNo: 'o', state, tradeNo: 't', paidAt: 5, failCode: 'NOTENOUGH' } }), now()),
      );
      expect((await ch.query('o')).state).toBe(expected);
    }
  });

  it('gives the failure reason in plain Chinese', async () => {
    const ch = channelAnswering(() =>
      sign(key, JSON.stringify({ ok: true, trade: { outTradeNo: 'o', state: 'PAYERROR', failCode: 'NOTENOUGH' } }), now()),
    );
    expect(await ch.query('o')).toEqual({ state: 'failed', reasonCode: 'NOTENOUGH', reason: '余额不足' });
  });

  it('treats a forged or unreachable answer as unknown, never as paid', async () => {
    const forged = channelAnswering(() =>
      sign(Buffer.alloc(32, 9), JSON.stringify({ ok: true, trade: { outTradeNo: 'o', state: 'SUCCESS' } }), now()),
    );
    expect((await forged.payWithCode({ outTradeNo: 'o', amountFen: 1, description: '', authCode: '134567890123456789' })).state).toBe(
      'unknown',
    );
    const down = new SimulatorChannel({
      merchantId: 'm1',
      key,
      now,
      transport: { call: async () => Promise.reject(new Error('timeout')) },
    });
    expect((await down.query('o')).state).toBe('unknown');
    expect(await down.createDynamicCode({ outTradeNo: 'o', amountFen: 1, description: '', expiresAt: 0, notifyUrl: '' })).toMatchObject({
      state: 'unknown',
    });
  });

  it('refuses notifications for another merchant or with a bad signature', async () => {
    const ch = channelAnswering(() => sign(key, '{}', now()));
    const body = JSON.stringify({ type: 'payment', merchantId: 'm2', trade: { outTradeNo: 'o', state: 'SUCCESS' } });
    const m = sign(key, body, now());
    const headers = { 'x-sim-timestamp': m.timestamp, 'x-sim-nonce': m.nonce, 'x-sim-signature': m.signature };
    expect(await ch.parseNotification({ headers, rawBody: body })).toMatchObject({ valid: false, reason: 'wrong_merchant' });
    expect(await ch.parseNotification({ headers: { ...headers, 'x-sim-signature': 'AAAA' }, rawBody: body })).toMatchObject({
      valid: false,
      reason: 'bad_signature',
    });
    const mine = body.replace('m2', 'm1');
    const s = sign(key, mine, now());
    const ok = await ch.parseNotification({
      headers: { 'x-sim-timestamp': s.timestamp, 'x-sim-nonce': s.nonce, 'x-sim-signature': s.signature },
      rawBody: mine,
    });
    expect(ok).toMatchObject({ valid: true, kind: 'payment', outTradeNo: 'o', outcome: { state: 'succeeded' }, ack: { status: 200 } });
  });
});
