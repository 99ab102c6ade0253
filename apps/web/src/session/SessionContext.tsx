import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, setCsrfToken, setOnUnauthenticated } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Session } from '../api/types.ts';

type SessionState =
  | { status: 'loading' }
  /** `signedOut`: the person signed out here, so the next sign-in starts afresh rather than where they left. */
  | { status: 'anonymous'; signedOut: boolean }
  | { status: 'error'; message: string }
  | { status: 'signed-in'; session: Session };

interface SessionApi {
  state: SessionState;
  session: Session | null;
  /** Store a session the server just returned (sign-in, station change, user switch). */
  signedIn(session: Session): void;
  signOut(): Promise<void>;
  reload(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', session });
  }, []);

  const dropSession = useCallback((signedOut = false) => {
    setCsrfToken(null);
    setState({ status: 'anonymous', signedOut });
  }, []);

  const reload = useCallback(async () => {
    try {
      signedIn(await api.session());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) dropSession(false);
      else setState({ status: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }, [signedIn, dropSession]);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      dropSession(true);
    }
  }, [dropSession]);

  useEffect(() => {
    setOnUnauthenticated(() => dropSession(false));
    void reload();
  }, [reload, dropSession]);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      session: state.status === 'signed-in' ? state.session : null,
      signedIn,
      signOut,
      reload,
    }),
    [state, signedIn, signOut, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in session; only for pages rendered inside RequireAuth. */
export function useRequiredSession(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useRequiredSession without a session');
  return session;
}
