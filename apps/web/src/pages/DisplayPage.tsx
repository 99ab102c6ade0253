import { CheckCircleFilled, CloseCircleFilled, SmileOutlined } from '@ant-design/icons';
import { formatFen } from '@paydesk/domain';
import { Typography } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { type PaymentStatus, paymentsApi } from '../api/payments.ts';
import { type DisplayState, displayKey, readDisplay } from '../components/payments/displayChannel.ts';
import { methodLabel } from '../components/payments/labels.tsx';
import { QrImage } from '../components/payments/QrImage.tsx';
import { mmss, usePolling, useSecondsLeft } from '../components/payments/util.ts';
import { useRequiredSession } from '../session/SessionContext.tsx';

/**
 * The customer display (顾客屏): a second window facing the customer. It follows the cashier screen
 * of the same browser through localStorage and asks the server itself how a waiting payment stands.
 */
export function DisplayPage() {
  const { t } = useTranslation();
  const { stationId = '' } = useParams();
  const session = useRequiredSession();
  const [state, setState] = useState<DisplayState | null>(() => readDisplay(stationId));
  /** What the server last said about the shown payment (it may be ahead of the cashier screen). */
  const [serverStatus, setServerStatus] = useState<{ id: string; status: PaymentStatus } | null>(null);

  useEffect(() => {
    setState(readDisplay(stationId));
    const onStorage = (e: StorageEvent) => {
      if (e.key === null || e.key === displayKey(stationId)) setState(readDisplay(stationId));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [stationId]);

  const payment = state?.payment ?? null;
  const status: PaymentStatus | null = payment ? (serverStatus?.id === payment.id ? serverStatus.status : payment.status) : null;
  const waiting = status === 'pending' || status === 'created';

  usePolling(
    async () => {
      if (!payment) return;
      const d = await paymentsApi.get(payment.id);
      setServerStatus({ id: d.payment.id, status: d.payment.status });
    },
    1500,
    waiting,
    payment?.id ?? '',
  );

  const left = useSecondsLeft(waiting ? payment?.expiresAt : null);
  const stationName = session.station?.id === stationId ? session.station.name : null;
  const wallet = payment ? methodLabel(t, payment.method) : '';
  const amountFen = payment?.amountFen ?? state?.amountFen ?? 0;

  let body: ReactNode;
  if (payment && status === 'succeeded') {
    body = (
      <div data-testid="display-thanks" style={{ color: '#237804' }}>
        <CheckCircleFilled style={{ fontSize: 120 }} />
        <div style={{ fontSize: 64, fontWeight: 700, marginTop: 16 }}>{t('display.paid')}</div>
        <div style={{ fontSize: 56, fontWeight: 700 }}>{formatFen(amountFen)}</div>
        <div style={{ fontSize: 56, marginTop: 16 }}>{t('display.thanks')}</div>
      </div>
    );
  } else if (payment && waiting) {
    body = (
      <div data-testid="display-pending">
        <div style={{ fontSize: 32 }}>{t('display.toPay')}</div>
        <div style={{ fontSize: 88, fontWeight: 700, lineHeight: 1.1 }} data-testid="display-amount">
          {formatFen(amountFen)}
        </div>
        {payment.flow === 'dynamic_code' && payment.codeText ? (
          <>
            <div style={{ display: 'inline-block', padding: 12, background: '#fff', borderRadius: 12, marginTop: 16 }}>
              <QrImage text={payment.codeText} size={360} alt={t('cashier.qrAlt')} testId="display-qr" />
            </div>
            <div style={{ fontSize: 30, marginTop: 12 }}>{t('display.scanWith', { wallet })}</div>
          </>
        ) : (
          <div style={{ fontSize: 32, marginTop: 24 }}>{t('display.confirmOnPhone')}</div>
        )}
        <div style={{ fontSize: 28, marginTop: 12, color: '#595959' }} data-testid="display-countdown">
          {left > 0 ? t('cashier.expiresIn', { time: mmss(left) }) : t('cashier.closing')}
        </div>
      </div>
    );
  } else if (payment && status === 'failed') {
    body = (
      <div data-testid="display-failed" style={{ color: '#a8071a' }}>
        <CloseCircleFilled style={{ fontSize: 110 }} />
        <div style={{ fontSize: 52, fontWeight: 700, marginTop: 16 }}>{t('display.failed')}</div>
        <div style={{ fontSize: 30, marginTop: 8, color: '#595959' }}>{t('display.askCashier')}</div>
      </div>
    );
  } else if (payment && (status === 'expired' || status === 'cancelled')) {
    body = (
      <div data-testid="display-closed">
        <div style={{ fontSize: 48, fontWeight: 700 }}>{t('display.closed')}</div>
        <div style={{ fontSize: 30, marginTop: 8, color: '#595959' }}>{t('display.askCashier')}</div>
      </div>
    );
  } else if (amountFen > 0) {
    body = (
      <div data-testid="display-amount-only">
        <div style={{ fontSize: 36 }}>{t('display.toPay')}</div>
        <div style={{ fontSize: 104, fontWeight: 700 }} data-testid="display-amount">
          {formatFen(amountFen)}
        </div>
      </div>
    );
  } else {
    body = (
      <div data-testid="display-welcome">
        <SmileOutlined style={{ fontSize: 110, color: '#1677ff' }} />
        <div style={{ fontSize: 60, fontWeight: 700, marginTop: 16 }}>{t('display.welcome')}</div>
      </div>
    );
  }

  return (
    <div
      data-testid="display-page"
      style={{ minHeight: '100vh', display: 'flex', flexDirection: 'column', background: '#f5f7fa', fontVariantNumeric: 'tabular-nums' }}
    >
      <header
        style={{
          padding: '20px 32px',
          background: '#fff',
          borderBottom: '1px solid #f0f0f0',
          display: 'flex',
          justifyContent: 'space-between',
        }}
      >
        <Typography.Title level={2} style={{ margin: 0 }} data-testid="display-shop">
          {session.merchant.name}
        </Typography.Title>
        {stationName && <Typography.Text style={{ fontSize: 22 }}>{stationName}</Typography.Text>}
      </header>
      <main style={{ flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center', textAlign: 'center', padding: 24 }}>
        {body}
      </main>
    </div>
  );
}
