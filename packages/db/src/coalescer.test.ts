import { describe, expect, it } from 'vitest';
import { Coalescer, type CoalescerOptions, runAlone } from './coalescer.ts';

/** A coalescer over numbers that records each statement it would have run. */
function recording(overrides: Partial<CoalescerOptions<number, string>> = {}) {
  const statements: number[][] = [];
  const alone: number[] = [];
  const coalescer = new Coalescer<number, string>({
    many: async (inputs) => {
      statements.push([...inputs]);
      return inputs.map((n) => `many:${n}`);
    },
    one: async (n) => {
      alone.push(n);
      return `one:${n}`;
    },
    ...overrides,
  });
  return { coalescer, statements, alone };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('runs the calls of one turn as one statement, answering each its own', async () => {
    const { coalescer, statements, alone } = recording();
    expect(await Promise.all([1, 2, 3].map((n) => coalescer.run(n)))).toEqual(['many:1', 'many:2', 'many:3']);
    expect(statements).toEqual([[1, 2, 3]]);
    expect(alone).toEqual([]);
    expect(coalescer.stats).toEqual({ batches: 1, calls: 3, failed: 0, alone: 0 });
  });

  it('runs a lone call by itself', async () => {
    const { coalescer, statements, alone } = recording();
    expect(await coalescer.run(7)).toBe('one:7');
    expect(statements).toEqual([]);
    expect(alone).toEqual([7]);
  });

  it('never puts two calls with one key in one statement', async () => {
    const { coalescer, statements } = recording({ key: (n) => String(n % 2) });
    await Promise.all([1, 2, 3, 4, 5].map((n) => coalescer.run(n)));
    // 1 and 2 first; 3 and 4 only after that statement (one in flight); 5 last.
    expect(statements.flat().sort()).toEqual([1, 2, 3, 4]);
    for (const s of statements) expect(new Set(s.map((n) => n % 2)).size).toBe(s.length);
  });

  it('runs every call of a failed statement by itself, each with its own answer or error', async () => {
    const failures: [string, number][] = [];
    const { coalescer, alone } = recording({
      many: async () => {
        throw new Error('unique violation');
      },
      onFailure: (err, calls) => failures.push([(err as Error).message, calls]),
      one: async (n) => {
        alone.push(n);
        if (n === 2) throw new Error(`refused ${n}`);
        return `one:${n}`;
      },
    });
    const answers = await Promise.allSettled([1, 2, 3].map((n) => coalescer.run(n)));
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as Error).message))).toEqual(['one:1', 'refused 2', 'one:3']);
    expect(alone.sort()).toEqual([1, 2, 3]);
    expect(failures).toEqual([['unique violation', 3]]);
  });

  it('runs by itself a call the statement answered runAlone for', async () => {
    const { coalescer, alone } = recording({ many: async (inputs) => inputs.map((n) => (n === 2 ? runAlone : `many:${n}`)) });
    expect(await Promise.all([1, 2, 3].map((n) => coalescer.run(n)))).toEqual(['many:1', 'one:2', 'many:3']);
    expect(alone).toEqual([2]);
  });

  it('gathers the calls made while a statement runs into the next one', async () => {
    let release: () => void = () => {};
    const statements: number[][] = [];
    const coalescer = new Coalescer<number, number>({
      many: async (inputs) => {
        statements.push([...inputs]);
        if (statements.length === 1) await new Promise<void>((r) => (release = r));
        return [...inputs];
      },
      one: async (n) => n,
    });
    const first = Promise.all([1, 2].map((n) => coalescer.run(n)));
    await turn();
    const second = Promise.all([3, 4, 5].map((n) => coalescer.run(n)));
    await turn();
    await turn();
    expect(statements).toEqual([[1, 2]]);
    release();
    expect(await first).toEqual([1, 2]);
    expect(await second).toEqual([3, 4, 5]);
    expect(statements).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('splits a turn with more calls than a statement takes', async () => {
    const { coalescer, statements } = recording({ max: 2, inFlight: 5 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => coalescer.run(n)));
    expect(statements).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(coalescer.stats).toEqual({ batches: 3, calls: 5, failed: 0, alone: 1 });
  });

  it('keeps its slot while the calls of a failed statement run alone, so a later call of their key waits for them', async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const coalescer = new Coalescer<string, string>({
      many: async (inputs) => {
        running += 1;
        most = Math.max(most, running);
        await turn();
        running -= 1;
        if (inputs.includes('A1')) throw new Error('clash');
        return [...inputs];
      },
      one: async (input) => {
        running += 1;
        most = Math.max(most, running);
        await turn();
        await turn();
        running -= 1;
        log.push(input);
        return input;
      },
      key: (input) => input.slice(0, 1),
    });
    await Promise.all(['A1', 'B1', 'A2', 'C1'].map((input) => coalescer.run(input)));
    // A1, B1 and C1 ran alone after their statement failed (side by side: their keys differ); A2, which
    // could not share their statement, ran after all of them, never beside them.
    expect([...log.slice(0, 3)].sort()).toEqual(['A1', 'B1', 'C1']);
    expect(log[3]).toBe('A2');
    expect(most).toBe(3);
    expect(coalescer.stats).toMatchObject({ failed: 1 });
  });
});
