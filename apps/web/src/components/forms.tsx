import { Alert, type FormInstance } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { ApiError } from '../api/client.ts';

/**
 * Runs one request at a time for a form: `busy` drives the button's loading state, and a ref
 * guard refuses a second submit even before React has re-rendered the disabled button.
 */
export function useSubmit(): { busy: boolean; run: <T>(fn: () => Promise<T>) => Promise<T | undefined> } {
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    setBusy(true);
    try {
      return await fn();
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, run };
}

/**
 * Puts each server field message beside its field (when the form has that field) and returns the
 * text for the form-level alert: the server's own, already localized, message, followed by any
 * field messages that have no field on this form.
 */
export function serverErrorMessage(
  err: unknown,
  form?: FormInstance,
  fields: readonly string[] = [],
  rename: Readonly<Record<string, string>> = {},
): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const byField = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const f of err.fields) {
    const name = rename[f.field] ?? f.field;
    if (form && fields.includes(name)) byField.set(name, [...(byField.get(name) ?? []), f.message]);
    else if (f.message && f.message !== err.message) unplaced.push(f.message);
  }
  if (form && byField.size > 0) form.setFields([...byField.entries()].map(([name, errors]) => ({ name, errors })));
  return [err.message, ...unplaced].join(' · ');
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return <Alert type="error" showIcon title={message} data-testid="form-error" style={{ marginBottom: 16 }} />;
}
