import {
  ApiOutlined,
  BarChartOutlined,
  BookOutlined,
  CompassOutlined,
  DesktopOutlined,
  ExperimentOutlined,
  LinkOutlined,
  PayCircleOutlined,
  ProfileOutlined,
  QrcodeOutlined,
  ShopOutlined,
  TeamOutlined,
  ToolOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { can, type Role } from '@paydesk/domain';
import type { ReactNode } from 'react';

export interface NavItem {
  path: string;
  /** i18n key under `nav.` */
  key: string;
  icon: ReactNode;
  roles: readonly Role[];
  comingSoon?: boolean;
}

const everyone: readonly Role[] = ['owner', 'manager', 'cashier'];
const managers: readonly Role[] = ['owner', 'manager'];

/** The console menu, in the order of the seven setup jobs. */
export const navItems: NavItem[] = [
  { path: '/', key: 'guide', icon: <CompassOutlined />, roles: managers },
  { path: '/station', key: 'station', icon: <DesktopOutlined />, roles: everyone },
  { path: '/channels', key: 'channels', icon: <ApiOutlined />, roles: everyone.filter((r) => can(r, 'channel.manage')) },
  { path: '/codes', key: 'codes', icon: <QrcodeOutlined />, roles: everyone.filter((r) => can(r, 'code.read')) },
  { path: '/stores', key: 'stores', icon: <ShopOutlined />, roles: managers },
  { path: '/bindings', key: 'bindings', icon: <LinkOutlined />, roles: everyone.filter((r) => can(r, 'binding.manage')) },
  { path: '/cashier', key: 'cashier', icon: <PayCircleOutlined />, roles: everyone.filter((r) => can(r, 'payment.take')) },
  { path: '/records', key: 'records', icon: <ProfileOutlined />, roles: everyone.filter((r) => can(r, 'payment.read')) },
  { path: '/reports', key: 'reports', icon: <BarChartOutlined />, roles: everyone.filter((r) => can(r, 'payment.read')) },
  { path: '/sim', key: 'sim', icon: <ExperimentOutlined />, roles: everyone.filter((r) => can(r, 'payment.take')) },
  {
    path: '/staff',
    key: 'staff',
    icon: <TeamOutlined />,
    roles: everyone.filter((r) => can(r, 'staff.read')),
  },
  { path: '/training', key: 'training', icon: <BookOutlined />, roles: everyone, comingSoon: true },
  { path: '/maintenance', key: 'maintenance', icon: <ToolOutlined />, roles: ['owner'], comingSoon: true },
  { path: '/account', key: 'account', icon: <UserOutlined />, roles: everyone },
];

export const comingSoonPages = navItems.filter((n) => n.comingSoon);
