import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { PaymentStatus } from '../../api/payments.ts';

const statusColour: Record<PaymentStatus, string> = {
  created: 'default',
  pending: 'processing',
  succeeded: 'success',
  failed: 'error',
  expired: 'warning',
  cancelled: 'default',
};

export function PaymentStatusTag({ status, testId = 'payment-status' }: { status: PaymentStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={statusColour[status]} data-testid={testId}>
      {t(`pay.status.${status}`)}
    </Tag>
  );
}

/** 微信支付 / 支付宝 / 云闪付 / 现金. */
export function methodLabel(t: TFunction, method: string): string {
  return t(`pay.method.${method}`, { defaultValue: method });
}

export function flowLabel(t: TFunction, flow: string): string {
  return t(`pay.flow.${flow}`, { defaultValue: flow });
}

/** A simulator trade's state (WeChat-like), in words. */
export function simStateLabel(t: TFunction, state: string): string {
  return t(`sim.state.${state}`, { defaultValue: state });
}

export function eventLabel(t: TFunction, type: string): string {
  return t(`pay.event.${type}`, { defaultValue: type });
}

export const eventColour: Record<string, string> = {
  created: 'blue',
  code_shown: 'blue',
  waiting: 'gray',
  queried: 'gray',
  notified: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'gray',
  expired: 'orange',
  channel_closed: 'gray',
  refund_requested: 'orange',
  refunded: 'green',
  refund_failed: 'red',
  binding_verified: 'green',
};
