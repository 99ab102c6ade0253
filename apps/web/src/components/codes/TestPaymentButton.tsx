import { formatFen } from '@paydesk/domain';
import { Alert, App, Button, Flex, Modal, Result, Spin, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type TestPayment } from '../../api/endpoints.ts';
import { QrImage } from '../payments/QrImage.tsx';

/**
 * The simulator's code is a URL on PUBLIC_URL; the owner's browser may reach this server by another name,
 * so the link keeps only the path and stays on the origin the owner is signed in at.
 */
function simPath(codeText: string): string {
  try {
    const url = new URL(codeText);
    return `${url.pathname}${url.search}`;
  } catch {
    return codeText;
  }
}

/**
 * The bind wizard's last step: a ¥0.01 dynamic-code payment through the binding, paid on the simulator.
 * The server marks the binding verified when it succeeds; this only shows the way there and the result.
 */
export function TestPaymentButton(props: { bindingId: string; verified: boolean; onVerified: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [starting, setStarting] = useState(false);
  const [payment, setPayment] = useState<TestPayment | null>(null);
  // Kept in a ref: a new callback from each parent render must not restart the polling.
  const onVerified = useRef(props.onVerified);
  onVerified.current = props.onVerified;

  useEffect(() => {
    if (!payment || (payment.status !== 'pending' && payment.status !== 'created')) return;
    const timer = setInterval(async () => {
      try {
        const next = (await api.testPaymentStatus(payment.id)).payment;
        setPayment(next);
        if (next.status === 'succeeded') onVerified.current();
      } catch {
        // A missed poll is retried on the next tick.
      }
    }, 1500);
    return () => clearInterval(timer);
  }, [payment]);

  const start = async () => {
    setStarting(true);
    try {
      setPayment(await api.testBinding(props.bindingId));
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setStarting(false);
    }
  };

  const waiting = payment && (payment.status === 'pending' || payment.status === 'created');
  return (
    <>
      {/* The modal stays mounted after the binding turns verified, so the person sees the success. */}
      {!props.verified && (
        <Button size="small" onClick={start} loading={starting} data-testid="binding-test-pay">
          {t('bindings.testPay')}
        </Button>
      )}
      <Modal
        open={payment !== null}
        title={payment ? t('bindings.testPayTitle', { amount: formatFen(payment.amountFen) }) : ''}
        footer={null}
        onCancel={() => setPayment(null)}
        destroyOnHidden
      >
        {payment?.status === 'succeeded' ? (
          <Result status="success" title={t('bindings.testPayOk')} data-testid="binding-test-ok" />
        ) : waiting ? (
          <Flex vertical gap={16}>
            {payment.channel === 'simulator' ? (
              <>
                <Typography.Paragraph>{t('bindings.testPayHint')}</Typography.Paragraph>
                {payment.codeText && (
                  <Button type="primary" size="large" href={simPath(payment.codeText)} target="_blank" data-testid="binding-test-open-sim">
                    {t('bindings.testPayOpenSim')}
                  </Button>
                )}
              </>
            ) : (
              <>
                {/* A real wallet's code (weixin://…, https://qr.alipay.com/…): only the wallet app can pay it. */}
                <Typography.Paragraph>{t('bindings.testPayHintWallet')}</Typography.Paragraph>
                {payment.codeText && <QrImage text={payment.codeText} alt={t('bindings.testPayHintWallet')} testId="binding-test-qr" />}
              </>
            )}
            <Flex gap={8} align="center">
              <Spin size="small" />
              <span>{t('bindings.testPayWaiting')}</span>
            </Flex>
          </Flex>
        ) : payment ? (
          <Alert type="error" showIcon message={t('bindings.testPayFailed', { reason: payment.failureReason ?? payment.status })} />
        ) : null}
      </Modal>
    </>
  );
}
