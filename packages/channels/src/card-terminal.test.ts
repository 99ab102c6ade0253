import { describe, expect, it } from 'vitest';
import { SimulatedCardTerminal } from './card-terminal.ts';

describe('simulated card terminal', () => {
  it('approves, declines and times out by amount', async () => {
    const t = new SimulatedCardTerminal(() => 1000);
    expect(await t.charge('r1', 2372)).toMatchObject({ state: 'approved', cardLast4: '6226', at: 1000 });
    expect(await t.charge('r2', 2351)).toEqual({ state: 'declined', reason: '余额不足' });
    expect(await t.charge('r3', 2352)).toEqual({ state: 'timeout' });
    expect(await t.charge('r4', 0)).toMatchObject({ state: 'declined' });
  });

  it('treats a repeated reference as the same charge', async () => {
    const t = new SimulatedCardTerminal();
    const a = await t.charge('same', 500);
    const b = await t.charge('same', 500);
    expect(a.state === 'approved' && b.state === 'approved' && a.authCode === b.authCode).toBe(true);
  });

  it('refunds at most what was charged and voids only untouched charges', async () => {
    const t = new SimulatedCardTerminal();
    await t.charge('r', 1000);
    expect(await t.refund('r', 600)).toEqual({ state: 'refunded' });
    expect(await t.refund('r', 401)).toMatchObject({ state: 'failed' });
    expect(await t.void('r')).toMatchObject({ state: 'failed' });
    await t.charge('v', 1000);
    expect(await t.void('v')).toEqual({ state: 'voided' });
    expect(await t.refund('v', 1)).toMatchObject({ state: 'failed' });
    expect(await t.refund('none', 1)).toMatchObject({ state: 'failed' });
  });
});
