import { Grid, Layout, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** Sign-in, registration and password reset: a narrow centred column with the language switch. */
export function PublicLayout() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          background: '#fff',
          borderBottom: '1px solid #f0f0f0',
          paddingInline: screens.sm ? 24 : 12,
        }}
      >
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('common.appName')}
          {screens.sm && (
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal', marginInlineStart: 12 }}>
              {t('public.tagline')}
            </Typography.Text>
          )}
        </Typography.Title>
        <LanguageSwitch />
      </Layout.Header>
      <Layout.Content style={{ display: 'flex', justifyContent: 'center', padding: '32px 16px' }}>
        <div style={{ width: '100%', maxWidth: 640 }}>
          <Outlet />
        </div>
      </Layout.Content>
    </Layout>
  );
}
