import { ClockCircleOutlined } from '@ant-design/icons';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/** The page behind a menu item whose feature comes in a later version: clear, never a broken link. */
export function ComingSoonPage({ navKey }: { navKey: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const name = t(`nav.${navKey}`);
  return (
    <Result
      icon={<ClockCircleOutlined />}
      title={
        <span data-testid="coming-soon">
          {name} · {t('comingSoon.title')}
        </span>
      }
      subTitle={t('comingSoon.body', { name })}
      extra={
        <Button type="primary" size="large" onClick={() => navigate('/')}>
          {t('comingSoon.back')}
        </Button>
      }
    />
  );
}
