import { Button } from 'antd';
import { useTranslation } from 'react-i18next';

/** "Send code" with its 60-second countdown; disabled while counting or sending. */
export function SendCodeButton(props: { remaining: number; busy: boolean; onClick: () => void; label: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <Button
      onClick={props.onClick}
      disabled={props.remaining > 0}
      loading={props.busy}
      data-testid={props.testId}
      style={{ minWidth: 120 }}
    >
      {props.remaining > 0 ? t('login.resendIn', { s: props.remaining }) : props.label}
    </Button>
  );
}
