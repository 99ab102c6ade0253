import { DisconnectOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, InputNumber, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { simApi } from '../../api/payments.ts';
import { serverErrorMessage, useSubmit } from '../../components/forms.tsx';

/** 网关故障: the next N calls to the simulator gateway time out, to rehearse what the counter does then. */
export function OutageTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [calls, setCalls] = useState<number | null>(3);
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useSubmit();

  const set = (n: number) =>
    run(async () => {
      setError(null);
      try {
        await simApi.outage(n);
        message.success(n > 0 ? t('sim.outage.set', { n }) : t('sim.outage.cleared'));
      } catch (err) {
        setError(serverErrorMessage(err));
      }
    });

  return (
    <Flex vertical gap={12} data-testid="sim-outage-tab">
      <Typography.Paragraph style={{ margin: 0 }}>{t('sim.outage.intro')}</Typography.Paragraph>
      <Flex gap={8} align="center">
        <span>{t('sim.outage.calls')}</span>
        <InputNumber size="large" min={1} max={100} precision={0} value={calls} onChange={setCalls} data-testid="sim-outage-calls" />
      </Flex>
      {error && <Alert type="error" showIcon title={error} />}
      <Button
        danger
        type="primary"
        size="large"
        icon={<DisconnectOutlined />}
        loading={busy}
        disabled={!calls}
        onClick={() => void set(calls ?? 0)}
        data-testid="sim-outage-set"
      >
        {t('sim.outage.apply', { n: calls ?? 0 })}
      </Button>
      <Button size="large" disabled={busy} onClick={() => void set(0)} data-testid="sim-outage-clear">
        {t('sim.outage.clear')}
      </Button>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {t('sim.outage.note')}
      </Typography.Text>
    </Flex>
  );
}
