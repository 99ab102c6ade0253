import { PrinterOutlined, RollbackOutlined } from '@ant-design/icons';
import { can, formatFen } from '@paydesk/domain';
import { Alert, Button, Descriptions, Drawer, Empty, Flex, Grid, List, Skeleton, Tag, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useOutletContext, useParams } from 'react-router';
import { type OrderLine, type PaymentEvent, paymentsApi, paymentUrls, type Refund } from '../../api/payments.ts';
import { formatTime } from '../../components/format.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { eventColour, eventLabel, flowLabel, methodLabel, PaymentStatusTag } from '../../components/payments/labels.tsx';
import { formatMoment } from '../../components/payments/util.ts';
import { useLoad } from '../../components/useLoad.ts';
import { useRequiredSession } from '../../session/SessionContext.tsx';
import type { Names, RecordsOutlet } from './names.ts';
import { RefundModal } from './RefundModal.tsx';

type Detail = Record<string, unknown>;

const asDetail = (v: unknown): Detail => (typeof v === 'object' && v !== null ? (v as Detail) : {});
const num = (v: unknown) => (typeof v === 'number' ? v : null);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** One line saying what an event adds: where a result came from, why it failed, how much went back. */
function eventText(t: TFunction, e: PaymentEvent, lang: string): string {
  const d = asDetail(e.detail);
  const parts: string[] = [];
  const source = str(d.source);
  // A query's own event need not say it came from a query.
  if (source && !(e.type === 'queried' && source === 'query'))
    parts.push(t('pay.source.label', { source: t(`pay.source.${source}`, { defaultValue: source }) }));
  switch (e.type) {
    case 'created': {
      const flow = str(d.flow);
      const method = str(d.method);
      const amount = num(d.amountFen);
      if (flow) parts.push(flowLabel(t, flow));
      if (method) parts.push(methodLabel(t, method));
      if (amount !== null) parts.push(formatFen(amount));
      const code = str(d.payerCode);
      if (code) parts.push(t('pay.detail.payerCode', { code }));
      break;
    }
    case 'code_shown': {
      const until = num(d.expiresAt);
      if (until !== null) parts.push(t('pay.detail.validUntil', { time: formatTime(until, lang) }));
      break;
    }
    case 'waiting':
    case 'queried': {
      const answer = str(d.answer);
      if (answer) parts.push(t(`pay.answer.${answer}`, { defaultValue: answer }));
      const why = str(d.why);
      if (why && answer === 'unknown') parts.push(why);
      break;
    }
    case 'succeeded': {
      if (d.late === true) parts.push(t('pay.detail.late'));
      const tendered = num(d.tenderedFen);
      const change = num(d.changeFen);
      if (tendered !== null) parts.push(t('pay.detail.cash', { tendered: formatFen(tendered), change: formatFen(change ?? 0) }));
      break;
    }
    case 'failed': {
      const reason = str(d.reason);
      if (reason) parts.push(reason);
      break;
    }
    case 'cancelled':
    case 'expired': {
      const answer = str(d.channelAnswer);
      if (answer) parts.push(t('pay.detail.channelAnswer', { answer: t(`pay.answer.${answer}`, { defaultValue: answer }) }));
      break;
    }
    case 'refund_requested':
    case 'refunded': {
      const amount = num(d.amountFen);
      if (amount !== null) parts.push(formatFen(amount));
      const reason = str(d.reason);
      if (reason) parts.push(reason);
      if (d.automatic === true) parts.push(t('pay.detail.automatic'));
      break;
    }
    case 'refund_failed': {
      const reason = str(d.reason);
      if (reason) parts.push(reason);
      break;
    }
  }
  return parts.join(' · ');
}

function orderLines(lines: unknown): OrderLine[] {
  const raw = typeof lines === 'string' ? (JSON.parse(lines) as unknown) : lines;
  return Array.isArray(raw)
    ? raw.filter((l): l is OrderLine => typeof l === 'object' && l !== null && typeof (l as OrderLine).unitFen === 'number')
    : [];
}

function RefundItem({ r, names, lang }: { r: Refund; names: Names; lang: string }) {
  const { t } = useTranslation();
  const colour = r.status === 'succeeded' ? 'success' : r.status === 'failed' ? 'error' : 'processing';
  return (
    <List.Item data-testid="refund-item">
      <Flex vertical style={{ width: '100%' }} gap={2}>
        <Flex justify="space-between" align="center">
          <Typography.Text strong style={{ fontSize: 16 }}>
            {formatFen(r.amountFen)}
          </Typography.Text>
          <Tag color={colour} data-testid="refund-status">
            {t(`records.refundStatus.${r.status}`)}
          </Tag>
        </Flex>
        <Typography.Text>{r.reason}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {r.automatic ? t('pay.detail.automatic') : names.person(r.requestedBy)} · {formatTime(r.createdAt, lang)} · {r.outRefundNo}
        </Typography.Text>
        {r.failureReason && <Typography.Text type="danger">{r.failureReason}</Typography.Text>}
      </Flex>
    </List.Item>
  );
}

/** `/records/:id`: the payment's whole story, its refunds, and the refund button for managers and owners. */
export function PaymentDrawer() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const session = useRequiredSession();
  const { names, onChanged } = useOutletContext<RecordsOutlet>();
  const screens = Grid.useBreakpoint();
  const [refunding, setRefunding] = useState(false);
  const detail = useLoad(() => paymentsApi.get(id), id);
  const d = detail.data?.payment.id === id ? detail.data : undefined;

  const close = () => navigate('/records');
  const p = d?.payment;
  const leftFen = p ? p.amountFen - p.refundedFen : 0;
  const refundPending = d?.refunds.some((r) => r.status === 'pending') ?? false;
  const mayRefund = can(session.user.role, 'payment.refund') && p?.status === 'succeeded' && leftFen > 0;
  const lines = d?.order ? orderLines(d.order.lines) : [];

  return (
    <Drawer
      open
      onClose={close}
      size={screens.md ? 640 : '100%'}
      title={t('records.detailTitle')}
      destroyOnHidden
      extra={
        mayRefund && (
          <Button
            danger
            type="primary"
            icon={<RollbackOutlined />}
            disabled={refundPending}
            onClick={() => setRefunding(true)}
            data-testid="refund-open"
          >
            {t('records.refund.open')}
          </Button>
        )
      }
    >
      {detail.error && <LoadError message={detail.error} onRetry={() => void detail.reload()} />}
      {!d || !p ? (
        !detail.error && <Skeleton active />
      ) : (
        <Flex vertical gap={20} data-testid="payment-detail" data-payment-id={p.id}>
          <Flex align="center" gap={16} wrap>
            <span style={{ fontSize: 40, fontWeight: 700, fontVariantNumeric: 'tabular-nums' }} data-testid="detail-amount">
              {formatFen(p.amountFen)}
            </span>
            <PaymentStatusTag status={p.status} testId="detail-status" />
            <Typography.Text style={{ fontSize: 16 }}>
              {methodLabel(t, p.method)} · {flowLabel(t, p.flow)}
            </Typography.Text>
          </Flex>
          {p.lateSuccess && <Alert type="warning" showIcon title={t('cashier.lateSuccess')} />}
          {refundPending && <Alert type="info" showIcon title={t('records.refundInFlight')} />}

          <Descriptions size="small" column={1} bordered styles={{ label: { width: 130 } }}>
            <Descriptions.Item label={t('records.d.tradeNo')}>
              <Typography.Text copyable data-testid="detail-trade-no">
                {p.outTradeNo}
              </Typography.Text>
            </Descriptions.Item>
            {p.channelTradeNo && <Descriptions.Item label={t('records.d.channelTradeNo')}>{p.channelTradeNo}</Descriptions.Item>}
            <Descriptions.Item label={t('records.d.place')}>
              {names.store(p.storeId)} · {names.station(p.stationId)}
            </Descriptions.Item>
            <Descriptions.Item label={t('records.d.cashier')}>{names.person(p.cashierId)}</Descriptions.Item>
            <Descriptions.Item label={t('records.d.createdAt')}>{formatTime(p.createdAt, lang)}</Descriptions.Item>
            {p.paidAt && <Descriptions.Item label={t('records.d.paidAt')}>{formatTime(p.paidAt, lang)}</Descriptions.Item>}
            {p.payerCodeMasked && <Descriptions.Item label={t('records.d.payerCode')}>{p.payerCodeMasked}</Descriptions.Item>}
            {p.failureReason && (
              <Descriptions.Item label={t('records.d.reason')}>
                <Typography.Text type={p.status === 'failed' ? 'danger' : undefined}>{p.failureReason}</Typography.Text>
              </Descriptions.Item>
            )}
            {p.tenderedFen !== null && (
              <Descriptions.Item label={t('records.d.cash')}>
                {t('pay.detail.cash', { tendered: formatFen(p.tenderedFen), change: formatFen(p.changeFen ?? 0) })}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('records.d.refunded')}>
              <span data-testid="detail-refunded">{formatFen(p.refundedFen)}</span>
            </Descriptions.Item>
          </Descriptions>

          {lines.length > 0 && (
            <div>
              <Typography.Title level={5}>{t('records.lines')}</Typography.Title>
              {lines.map((l, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: order lines have no id; their order is fixed
                <Flex key={i} justify="space-between">
                  <span>
                    {l.name} × {l.quantity}
                  </span>
                  <span>{formatFen(l.quantity * l.unitFen)}</span>
                </Flex>
              ))}
            </div>
          )}

          {p.status === 'succeeded' && (
            <Flex gap={8} wrap>
              <Button icon={<PrinterOutlined />} href={paymentUrls.receipt(p.id, 58)} target="_blank">
                {t('cashier.receipt58')}
              </Button>
              <Button icon={<PrinterOutlined />} href={paymentUrls.receipt(p.id, 80)} target="_blank">
                {t('cashier.receipt80')}
              </Button>
            </Flex>
          )}

          <div>
            <Typography.Title level={5}>{t('records.refunds')}</Typography.Title>
            {d.refunds.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('records.noRefunds')} />
            ) : (
              <List size="small" bordered dataSource={d.refunds} renderItem={(r) => <RefundItem r={r} names={names} lang={lang} />} />
            )}
          </div>

          <div>
            <Typography.Title level={5}>{t('records.history')}</Typography.Title>
            <Timeline
              data-testid="payment-history"
              items={d.events.map((e) => ({
                key: e.id,
                color: eventColour[e.type] ?? 'gray',
                content: (
                  <div data-testid="history-item" data-type={e.type}>
                    <Typography.Text strong>{eventLabel(t, e.type)}</Typography.Text>
                    <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 13 }}>
                      {formatMoment(e.createdAt, lang)}
                      {e.actorUserId ? ` · ${names.person(e.actorUserId)}` : ''}
                    </Typography.Text>
                    {eventText(t, e, lang) && <div style={{ color: '#595959' }}>{eventText(t, e, lang)}</div>}
                  </div>
                ),
              }))}
            />
          </div>
        </Flex>
      )}
      {p && (
        <RefundModal
          // A fresh form (its default amount is what is left) after each refund.
          key={`${p.id}:${p.refundedFen}`}
          payment={p}
          open={refunding}
          onClose={(changed) => {
            setRefunding(false);
            if (changed) {
              void detail.reload();
              onChanged();
            }
          }}
        />
      )}
    </Drawer>
  );
}
