import { describe, expect, it } from 'vitest';
import { ApiError } from '../../apps/web/src/api/api-error.ts';
import { createIdempotencyKeeper, isDefiniteRefusal } from '../../apps/web/src/api/idempotency.ts';

describe('the web pages’ Idempotency-Key', () => {
  it('keeps the key for the same body and makes a new one for another', () => {
    const keeper = createIdempotencyKeeper();
    const first = keeper.keyFor({ name: '一号店' });
    expect(keeper.keyFor({ name: '一号店' })).toBe(first);
    expect(keeper.keyFor({ name: '二号店' })).not.toBe(first);
    keeper.reset();
    expect(keeper.keyFor({ name: '二号店' })).not.toBe(first);
  });

  it('drops the key only on a refusal that wrote nothing, never while the first try may have happened', () => {
    expect(isDefiniteRefusal(new ApiError(400, 'VALIDATION_FAILED', 'bad'))).toBe(true);
    expect(isDefiniteRefusal(new ApiError(409, 'EMV_ACCOUNT_MISSING', 'missing'))).toBe(true);
    // The first try is still running, or it was carried out and its answer lost: a new key would do it again.
    expect(isDefiniteRefusal(new ApiError(409, 'IDEMPOTENCY_IN_PROGRESS', 'running'))).toBe(false);
    expect(isDefiniteRefusal(new ApiError(409, 'IDEMPOTENCY_APPLIED', 'done'))).toBe(false);
    expect(isDefiniteRefusal(new ApiError(500, 'INTERNAL', 'down'))).toBe(false);
    expect(isDefiniteRefusal(new TypeError('Failed to fetch'))).toBe(false);
  });
});
