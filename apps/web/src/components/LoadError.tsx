import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';

export function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={t('errors.loadFailed')}
      description={message}
      action={
        <Button size="small" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      }
      style={{ marginBottom: 16 }}
      data-testid="load-error"
    />
  );
}
