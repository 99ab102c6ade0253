import { LogoutOutlined } from '@ant-design/icons';
import { App, Button, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useRequiredSession, useSession } from '../session/SessionContext.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { navItems } from './nav.tsx';

const roleColour = { owner: 'gold', manager: 'blue', cashier: 'green' } as const;

export function ConsoleLayout() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const { signOut } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const [signingOut, setSigningOut] = useState(false);
  const role = session.user.role;

  const items = navItems
    .filter((n) => n.roles.includes(role))
    .map((n) => ({
      key: n.path,
      icon: n.icon,
      label: <span data-testid={`nav-${n.key}`}>{t(`nav.${n.key}`)}</span>,
    }));
  const selected =
    navItems.filter((n) => n.path !== '/' && location.pathname.startsWith(n.path)).map((n) => n.path)[0] ??
    (location.pathname === '/' ? '/' : '');

  const onSignOut = async () => {
    if (signingOut) return;
    setSigningOut(true);
    try {
      // Dropping the session sends RequireAuth to the sign-in page.
      await signOut();
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setSigningOut(false);
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} width={220} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ padding: '16px 24px' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('common.appName')}
          </Typography.Title>
        </div>
        <Menu
          mode="inline"
          selectedKeys={[selected]}
          items={items}
          onClick={({ key }) => navigate(key)}
          style={{ borderInlineEnd: 'none', fontSize: 16 }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            borderBottom: '1px solid #f0f0f0',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 12,
            paddingInline: screens.md ? 24 : 48,
            height: 'auto',
            minHeight: 64,
            lineHeight: 1.4,
            flexWrap: 'wrap',
          }}
        >
          <Typography.Text strong style={{ fontSize: 16 }} data-testid="header-merchant">
            {session.merchant.name}
          </Typography.Text>
          <Space wrap size="middle">
            <Space size={6}>
              <Typography.Text data-testid="header-user">{session.user.name}</Typography.Text>
              <Tag color={roleColour[role]} data-testid="header-role">
                {t(`roles.${role}`)}
              </Tag>
              {session.station && <Tag data-testid="header-station">{session.station.name}</Tag>}
            </Space>
            <LanguageSwitch />
            <Button icon={<LogoutOutlined />} onClick={() => void onSignOut()} loading={signingOut} data-testid="sign-out">
              {t('common.signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: screens.md ? 24 : 12 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
