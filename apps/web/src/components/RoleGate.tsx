import { messageFor, type Role } from '@paydesk/domain';
import { Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useRequiredSession } from '../session/SessionContext.tsx';

/** Hides a page from roles that cannot use it (the server refuses them anyway). */
export function RoleGate({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { i18n } = useTranslation();
  const session = useRequiredSession();
  if (roles.includes(session.user.role)) return <>{children}</>;
  return <Result status="403" title={messageFor('FORBIDDEN', i18n.language === 'en' ? 'en' : 'zh')} />;
}
