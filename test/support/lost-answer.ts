import { expect, vi } from 'vitest';
import { expectError } from './assertions.ts';
import type { Res } from './http-client.ts';
import type { TestApp } from './test-app.ts';

/**
 * A create whose writes commit while the database is away at the moment its answer would be kept (as if
 * the process died right after the commit). Five minutes on, the same request with the same key must be
 * refused as carried out, never run a second time. `count` reads how many of the created things exist.
 */
export async function expectNeverRunTwiceAfterLostAnswer(
  t: TestApp,
  send: (headers: Record<string, string>) => Promise<Res>,
  count: () => Promise<number>,
): Promise<void> {
  const headers = { 'idempotency-key': `lost-answer-${Math.random().toString(36).slice(2)}` };
  const before = await count();
  const complete = vi.spyOn(t.app.ctx.repos.idempotency, 'complete').mockRejectedValueOnce(new Error('database away'));
  try {
    const first = await send(headers);
    expect(first.status).toBe(201);
  } finally {
    complete.mockRestore();
  }
  t.clock.advance(6 * 60_000);
  expectError(await send(headers), 'IDEMPOTENCY_APPLIED');
  expect(await count()).toBe(before + 1);
}
