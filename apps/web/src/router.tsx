import { createBrowserRouter, Navigate } from 'react-router';
import { ConsoleLayout } from './components/ConsoleLayout.tsx';
import { comingSoonPages, navItems } from './components/nav.tsx';
import { PublicLayout } from './components/PublicLayout.tsx';
import { AnonymousOnly, RequireAuth } from './components/RequireAuth.tsx';
import { RoleGate } from './components/RoleGate.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { BindingsPage } from './pages/BindingsPage.tsx';
import { ChannelsPage } from './pages/ChannelsPage.tsx';
import { CodesPage } from './pages/CodesPage.tsx';
import { ComingSoonPage } from './pages/ComingSoonPage.tsx';
import { CashierPage } from './pages/cashier/CashierPage.tsx';
import { DisplayPage } from './pages/DisplayPage.tsx';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage.tsx';
import { GuidePage } from './pages/GuidePage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { RegisterPage } from './pages/RegisterPage.tsx';
import { RegisterVerifyPage } from './pages/RegisterVerifyPage.tsx';
import { DailyReportPage } from './pages/records/DailyReportPage.tsx';
import { PaymentDrawer } from './pages/records/PaymentDrawer.tsx';
import { RecordsPage } from './pages/records/RecordsPage.tsx';
import { StaffPage } from './pages/StaffPage.tsx';
import { StationPage } from './pages/StationPage.tsx';
import { StoresPage } from './pages/StoresPage.tsx';
import { SimPage } from './pages/sim/SimPage.tsx';
import { useRequiredSession } from './session/SessionContext.tsx';

const rolesOf = (path: string) => navItems.find((n) => n.path === path)?.roles ?? [];

/** Owners and managers start at the setup guide; a cashier goes straight to the station. */
function Home() {
  const session = useRequiredSession();
  if (session.user.role === 'cashier') return <Navigate to="/station" replace />;
  return <GuidePage />;
}

export const router = createBrowserRouter([
  {
    element: (
      <AnonymousOnly>
        <PublicLayout />
      </AnonymousOnly>
    ),
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/register', element: <RegisterPage /> },
      { path: '/register/verify', element: <RegisterVerifyPage /> },
      { path: '/forgot', element: <ForgotPasswordPage /> },
    ],
  },
  {
    // The customer display: a full-screen window of its own, without the console around it.
    path: '/display/:stationId',
    element: (
      <RequireAuth>
        <DisplayPage />
      </RequireAuth>
    ),
  },
  {
    element: (
      <RequireAuth>
        <ConsoleLayout />
      </RequireAuth>
    ),
    children: [
      { path: '/', element: <Home /> },
      {
        path: '/stores',
        element: (
          <RoleGate roles={rolesOf('/stores')}>
            <StoresPage />
          </RoleGate>
        ),
      },
      {
        path: '/staff',
        element: (
          <RoleGate roles={rolesOf('/staff')}>
            <StaffPage />
          </RoleGate>
        ),
      },
      {
        path: '/channels',
        element: (
          <RoleGate roles={rolesOf('/channels')}>
            <ChannelsPage />
          </RoleGate>
        ),
      },
      {
        path: '/codes',
        element: (
          <RoleGate roles={rolesOf('/codes')}>
            <CodesPage />
          </RoleGate>
        ),
      },
      {
        path: '/bindings',
        element: (
          <RoleGate roles={rolesOf('/bindings')}>
            <BindingsPage />
          </RoleGate>
        ),
      },
      { path: '/station', element: <StationPage /> },
      { path: '/cashier', element: <CashierPage /> },
      { path: '/records', element: <RecordsPage />, children: [{ path: ':id', element: <PaymentDrawer /> }] },
      { path: '/reports', element: <DailyReportPage /> },
      { path: '/sim', element: <SimPage /> },
      // The payments menu entry of earlier versions.
      { path: '/payments', element: <Navigate to="/cashier" replace /> },
      { path: '/account', element: <AccountPage /> },
      ...comingSoonPages.map((n) => ({ path: n.path, element: <ComingSoonPage navKey={n.key} /> })),
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
