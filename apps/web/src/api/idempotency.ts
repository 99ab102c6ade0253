import { ApiError } from './api-error.ts';

/**
 * True when the server answered a request with a definite refusal (4xx) that wrote nothing: a later try of
 * the same body (after the cause was fixed elsewhere, say a missing account now set) may take a fresh key
 * (`keeper.reset()`). Not for "the first try is still running" or "the first try was carried out and its
 * answer lost": a fresh key would carry it out a second time. Network failures and 5xx keep the key too: the
 * first try may or may not have happened.
 */
export function isDefiniteRefusal(err: unknown): boolean {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && !firstTryMayStand.has(err.code);
}

const firstTryMayStand = new Set(['IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_APPLIED']);

/**
 * One Idempotency-Key per form submission: the same body sent again (a retry after a timeout or
 * a double click that slipped through) reuses the key; a changed body gets a new one.
 */
export function createIdempotencyKeeper(): { keyFor(body: unknown): string; reset(): void } {
  let last: { body: string; key: string } | null = null;
  return {
    keyFor(body: unknown): string {
      const json = JSON.stringify(body);
      if (last && last.body === json) return last.key;
      last = { body: json, key: crypto.randomUUID() };
      return last.key;
    },
    reset(): void {
      last = null;
    },
  };
}
