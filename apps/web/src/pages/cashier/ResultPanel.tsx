import {
  CheckCircleFilled,
  ClockCircleOutlined,
  CloseCircleFilled,
  LoadingOutlined,
  PrinterOutlined,
  ReloadOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { formatFen } from '@paydesk/domain';
import { Alert, Button, Flex, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { type Payment, paymentUrls } from '../../api/payments.ts';
import { formatTime } from '../../components/format.ts';
import { methodLabel } from '../../components/payments/labels.tsx';
import { QrImage } from '../../components/payments/QrImage.tsx';
import { mmss, useSecondsLeft } from '../../components/payments/util.ts';

interface Props {
  payment: Payment;
  busy: boolean;
  onQuery: () => void;
  onCancel: () => void;
  onRetry: () => void;
  onNext: () => void;
}

const tone = {
  success: { bg: '#f6ffed', border: '#52c41a', fg: '#237804' },
  error: { bg: '#fff1f0', border: '#ff4d4f', fg: '#a8071a' },
  waiting: { bg: '#e6f4ff', border: '#1677ff', fg: '#003eb3' },
  ended: { bg: '#fffbe6', border: '#faad14', fg: '#874d00' },
} as const;

function Frame({ kind, children, testId }: { kind: keyof typeof tone; children: ReactNode; testId: string }) {
  const c = tone[kind];
  return (
    <div
      data-testid={testId}
      style={{
        background: c.bg,
        border: `3px solid ${c.border}`,
        borderRadius: 16,
        padding: '28px 24px',
        textAlign: 'center',
        minHeight: 420,
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        gap: 12,
      }}
    >
      {children}
    </div>
  );
}

function Title({ kind, icon, text }: { kind: keyof typeof tone; icon: ReactNode; text: string }) {
  return (
    <div style={{ color: tone[kind].fg, fontSize: 40, fontWeight: 700, lineHeight: 1.2 }} data-testid="result-title">
      <span style={{ marginInlineEnd: 12 }}>{icon}</span>
      {text}
    </div>
  );
}

function Amount({ fen }: { fen: number }) {
  return (
    <div style={{ fontSize: 64, fontWeight: 700, lineHeight: 1.1, fontVariantNumeric: 'tabular-nums' }} data-testid="result-amount">
      {formatFen(fen)}
    </div>
  );
}

/** The result of a payment attempt: impossible to misread from a step away. */
export function ResultPanel({ payment: p, busy, onQuery, onCancel, onRetry, onNext }: Props) {
  const { t, i18n } = useTranslation();
  const left = useSecondsLeft(p.status === 'pending' || p.status === 'created' ? p.expiresAt : null);
  const wallet = methodLabel(t, p.method);

  const next = (autoFocus: boolean) => (
    <Button
      type="primary"
      size="large"
      autoFocus={autoFocus}
      onClick={onNext}
      style={{ height: 64, minWidth: 200, fontSize: 22 }}
      data-testid="next-order"
    >
      {t('cashier.next')}
    </Button>
  );
  const retry = (
    <Button
      size="large"
      icon={<ReloadOutlined />}
      onClick={onRetry}
      style={{ height: 64, minWidth: 160, fontSize: 20 }}
      data-testid="retry-payment"
    >
      {t('cashier.retryPayment')}
    </Button>
  );

  if (p.status === 'succeeded') {
    return (
      <Frame kind="success" testId="result-success">
        <Title kind="success" icon={<CheckCircleFilled />} text={t('cashier.result.succeeded')} />
        <Amount fen={p.amountFen} />
        <Typography.Text style={{ fontSize: 22 }} data-testid="result-method">
          {wallet}
          {p.paidAt ? ` · ${formatTime(p.paidAt, i18n.language)}` : ''}
        </Typography.Text>
        {p.flow === 'cash' && p.changeFen !== null && (
          <Flex gap={32} justify="center" wrap style={{ fontSize: 22 }}>
            <span>
              {t('cashier.tendered')} <b data-testid="result-tendered">{formatFen(p.tenderedFen ?? p.amountFen)}</b>
            </span>
            <span>
              {t('cashier.change')}{' '}
              <b style={{ fontSize: 44, color: tone.success.fg }} data-testid="result-change">
                {formatFen(p.changeFen)}
              </b>
            </span>
          </Flex>
        )}
        {p.lateSuccess && <Alert type="warning" showIcon title={t('cashier.lateSuccess')} />}
        <Typography.Text type="secondary" copyable={{ text: p.outTradeNo }} data-testid="result-trade-no">
          {t('cashier.tradeNo')} {p.outTradeNo}
        </Typography.Text>
        <Flex gap={12} wrap justify="center" style={{ marginTop: 8 }}>
          <Button size="large" icon={<PrinterOutlined />} href={paymentUrls.receipt(p.id, 58)} target="_blank" data-testid="receipt-58">
            {t('cashier.receipt58')}
          </Button>
          <Button size="large" icon={<PrinterOutlined />} href={paymentUrls.receipt(p.id, 80)} target="_blank" data-testid="receipt-80">
            {t('cashier.receipt80')}
          </Button>
        </Flex>
        {next(true)}
      </Frame>
    );
  }

  if (p.status === 'failed') {
    return (
      <Frame kind="error" testId="result-failed">
        <Title kind="error" icon={<CloseCircleFilled />} text={t('cashier.result.failed')} />
        <Amount fen={p.amountFen} />
        <div style={{ fontSize: 26, fontWeight: 600, color: tone.error.fg }} data-testid="result-reason">
          {p.failureReason ?? t('cashier.unknownReason')}
        </div>
        <Typography.Text style={{ fontSize: 18 }}>{wallet}</Typography.Text>
        <Typography.Text type="secondary">{t('cashier.failedHint')}</Typography.Text>
        <Flex gap={12} wrap justify="center" style={{ marginTop: 8 }}>
          {retry}
          {next(false)}
        </Flex>
      </Frame>
    );
  }

  if (p.status === 'expired' || p.status === 'cancelled') {
    return (
      <Frame kind="ended" testId={`result-${p.status}`}>
        <Title
          kind="ended"
          icon={p.status === 'expired' ? <ClockCircleOutlined /> : <StopOutlined />}
          text={t(`cashier.result.${p.status}`)}
        />
        <Amount fen={p.amountFen} />
        <div style={{ fontSize: 20 }} data-testid="result-reason">
          {p.failureReason ?? ''}
        </div>
        <Typography.Text type="secondary">{t('cashier.endedHint')}</Typography.Text>
        <Flex gap={12} wrap justify="center" style={{ marginTop: 8 }}>
          {retry}
          {next(false)}
        </Flex>
      </Frame>
    );
  }

  // created / pending: waiting for the customer or the channel
  const dynamic = p.flow === 'dynamic_code' && p.codeText;
  return (
    <Frame kind="waiting" testId="result-pending">
      <Title
        kind="waiting"
        icon={<Spin indicator={<LoadingOutlined style={{ fontSize: 36 }} spin />} />}
        text={t('cashier.result.pending')}
      />
      <Amount fen={p.amountFen} />
      {dynamic ? (
        <>
          <Typography.Text style={{ fontSize: 20 }}>{t('cashier.showCodeHint', { wallet })}</Typography.Text>
          <div style={{ padding: 8, background: '#fff', borderRadius: 8 }}>
            <QrImage text={p.codeText ?? ''} size={260} alt={t('cashier.qrAlt')} testId="dynamic-qr" />
          </div>
        </>
      ) : (
        <Typography.Text style={{ fontSize: 20 }}>
          {p.flow === 'code_pay' ? t('cashier.codePayWaiting', { wallet }) : t('cashier.waitingGeneric')}
        </Typography.Text>
      )}
      <div style={{ fontSize: 22 }} data-testid="result-countdown">
        {left > 0 ? t('cashier.expiresIn', { time: mmss(left) }) : t('cashier.closing')}
      </div>
      <Flex gap={12} wrap justify="center">
        <Button
          type="primary"
          size="large"
          icon={<ReloadOutlined />}
          loading={busy}
          onClick={onQuery}
          style={{ height: 56, minWidth: 160, fontSize: 20 }}
          data-testid="query-now"
        >
          {t('cashier.queryNow')}
        </Button>
        <Button
          danger
          size="large"
          disabled={busy}
          onClick={onCancel}
          style={{ height: 56, minWidth: 160, fontSize: 20 }}
          data-testid="cancel-payment"
        >
          {t('cashier.cancelPayment')}
        </Button>
      </Flex>
    </Frame>
  );
}
