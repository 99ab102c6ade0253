import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Loads on mount, whenever `key` changes, and on `reload()`; a late answer from an older request
 * never overwrites a newer one.
 */
export function useLoad<T>(fn: () => Promise<T>, key = ''): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const value = await fnRef.current();
      if (mine === seq.current) {
        setData(value);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(err instanceof Error ? err.message : String(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  // `key` is what callers change to ask for a fresh load.
  // biome-ignore lint/correctness/useExhaustiveDependencies: key is a deliberate trigger
  useEffect(() => {
    void reload();
  }, [reload, key]);

  return { data, error, loading, reload };
}
