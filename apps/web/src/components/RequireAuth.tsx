import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../session/SessionContext.tsx';

export function FullPageSpin() {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: '60vh' }}>
      <Spin size="large" />
    </div>
  );
}

/** Renders the console only with a session; otherwise sends the visitor to sign in and back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, reload } = useSession();
  const { t } = useTranslation();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'error')
    return (
      <Result
        status="warning"
        title={state.message}
        extra={
          <Button type="primary" onClick={() => void reload()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  if (state.status === 'anonymous')
    return <Navigate to="/login" replace state={state.signedOut ? null : { from: location.pathname + location.search }} />;
  return <>{children}</>;
}

/** Public pages like /login: a signed-in visitor (or one who just signed in) goes on to the console. */
export function AnonymousOnly({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'signed-in') {
    const from = (location.state as { from?: unknown } | null)?.from;
    return <Navigate to={typeof from === 'string' && from.startsWith('/') ? from : '/'} replace />;
  }
  return <>{children}</>;
}
