import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { router } from './router.tsx';
import { SessionProvider } from './session/SessionContext.tsx';

const fontFamily =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif";

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      // No space pushed between two CJK characters (“保 存”): it reads oddly next to longer labels.
      button={{ autoInsertSpace: false }}
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{
        token: { fontFamily, fontSize: 15, controlHeightLG: 48 },
        components: { Menu: { itemHeight: 48 }, Button: { controlHeightLG: 48 } },
      }}
    >
      <AntApp>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
