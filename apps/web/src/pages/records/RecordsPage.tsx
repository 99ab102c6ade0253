import { DownloadOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { can, formatFen, parseYuan } from '@paydesk/domain';
import { Alert, Button, Card, Col, DatePicker, Flex, Form, Input, Row, Select, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useNavigate } from 'react-router';
import { api } from '../../api/endpoints.ts';
import {
  type Payment,
  type PaymentFilter,
  type PaymentPage,
  type PaymentStatus,
  type PaymentTotals,
  paymentsApi,
  paymentUrls,
} from '../../api/payments.ts';
import { formatTime } from '../../components/format.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { methodLabel, PaymentStatusTag } from '../../components/payments/labels.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useRequiredSession } from '../../session/SessionContext.tsx';
import type { Names, RecordsOutlet } from './names.ts';
import { TotalsCards } from './TotalsCards.tsx';

interface FilterForm {
  range?: [Dayjs | null, Dayjs | null] | null;
  storeId?: string;
  stationId?: string;
  cashierId?: string;
  method?: string;
  status?: PaymentStatus;
  minYuan?: string;
  maxYuan?: string;
  outTradeNo?: string;
}

const statuses: PaymentStatus[] = ['succeeded', 'pending', 'failed', 'expired', 'cancelled', 'created'];
const methods = ['wechatpay', 'alipay', 'unionpay', 'cash'];
const pageSize = 50;

/** 流水: every payment with filters, totals for the filter, and the detail of one in a drawer. */
export function RecordsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const session = useRequiredSession();
  const role = session.user.role;
  const [form] = Form.useForm<FilterForm>();
  const [filter, setFilter] = useState<PaymentFilter>({});
  const [page, setPage] = useState<PaymentPage | null>(null);
  const [totals, setTotals] = useState<PaymentTotals | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const seq = useRef(0);

  const places = useLoad(async () => {
    const [stores, stations, staff] = await Promise.all([
      api.stores(),
      api.stations(),
      can(role, 'staff.read') ? api.staff() : Promise.resolve({ items: [] }),
    ]);
    return { stores: stores.items, stations: stations.items, staff: staff.items };
  }, `${role}:${session.user.id}`);

  const names: Names = useMemo(() => {
    const d = places.data;
    const people = new Map<string, string>((d?.staff ?? []).map((s) => [s.id, s.name]));
    people.set(session.user.id, session.user.name);
    return {
      store: (id) => d?.stores.find((s) => s.id === id)?.name ?? id.slice(0, 8),
      station: (id) => (id ? (d?.stations.find((s) => s.id === id)?.name ?? id.slice(0, 8)) : t('records.noStation')),
      person: (id) => (id ? (people.get(id) ?? id.slice(0, 8)) : t('records.system')),
    };
  }, [places.data, session.user.id, session.user.name, t]);

  const load = useCallback(async (f: PaymentFilter) => {
    const mine = ++seq.current;
    setLoading(true);
    // The sum over a long history is slower than a page: the list shows first, the totals when they come.
    setTotals(null);
    paymentsApi.totals(f).then(
      (sum) => mine === seq.current && setTotals(sum),
      (err: unknown) => mine === seq.current && setError(err instanceof Error ? err.message : String(err)),
    );
    try {
      const answer = await paymentsApi.list(f, null, pageSize);
      if (mine === seq.current) {
        setPage(answer);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(err instanceof Error ? err.message : String(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filter);
  }, [filter, load]);

  const loadMore = async () => {
    if (!page?.nextCursor) return;
    setLoadingMore(true);
    try {
      const more = await paymentsApi.list(filter, page.nextCursor, pageSize);
      setPage((cur) => (cur ? { items: [...cur.items, ...more.items], nextCursor: more.nextCursor } : more));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setLoadingMore(false);
    }
  };

  const apply = (v: FilterForm) => {
    const minFen = v.minYuan?.trim() ? parseYuan(v.minYuan) : undefined;
    const maxFen = v.maxYuan?.trim() ? parseYuan(v.maxYuan) : undefined;
    const bad: { name: keyof FilterForm; errors: string[] }[] = [];
    if (minFen === null) bad.push({ name: 'minYuan', errors: [t('records.amountInvalid')] });
    if (maxFen === null) bad.push({ name: 'maxYuan', errors: [t('records.amountInvalid')] });
    if (bad.length > 0) {
      form.setFields(bad);
      return;
    }
    const [start, end] = v.range ?? [];
    const next: PaymentFilter = {
      ...(start && { from: start.startOf('day').valueOf() }),
      ...(end && { to: end.add(1, 'day').startOf('day').valueOf() }),
      ...(v.storeId && { storeId: v.storeId }),
      ...(v.stationId && { stationId: v.stationId }),
      ...(v.cashierId && { cashierId: v.cashierId }),
      ...(v.method && { method: v.method }),
      ...(v.status && { status: v.status }),
      ...(minFen != null && { minFen }),
      ...(maxFen != null && { maxFen }),
      ...(v.outTradeNo?.trim() && { outTradeNo: v.outTradeNo.trim() }),
    };
    // The same filter again still reloads (a "refresh").
    if (JSON.stringify(next) === JSON.stringify(filter)) void load(next);
    else setFilter(next);
  };

  const storeId = Form.useWatch('storeId', form);
  const stations = (places.data?.stations ?? []).filter((s) => !storeId || s.storeId === storeId);
  const cashiers = places.data?.staff ?? [];
  const today = dayjs();

  const columns = [
    {
      title: t('records.col.time'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 150,
      render: (v: number) => formatTime(v, i18n.language),
    },
    {
      title: t('records.col.amount'),
      dataIndex: 'amountFen',
      key: 'amountFen',
      align: 'right' as const,
      render: (v: number) => (
        <Typography.Text strong style={{ fontVariantNumeric: 'tabular-nums' }}>
          {formatFen(v)}
        </Typography.Text>
      ),
    },
    {
      title: t('records.col.status'),
      dataIndex: 'status',
      key: 'status',
      render: (v: PaymentStatus) => <PaymentStatusTag status={v} />,
    },
    { title: t('records.col.method'), dataIndex: 'method', key: 'method', render: (v: string) => methodLabel(t, v) },
    {
      title: t('records.col.place'),
      key: 'place',
      render: (_: unknown, p: Payment) => `${names.store(p.storeId)} · ${names.station(p.stationId)}`,
    },
    { title: t('records.col.cashier'), dataIndex: 'cashierId', key: 'cashierId', render: (v: string) => names.person(v) },
    {
      title: t('records.col.tradeNo'),
      dataIndex: 'outTradeNo',
      key: 'outTradeNo',
      render: (v: string) => (
        <Typography.Text style={{ fontSize: 13 }} data-testid="record-trade-no">
          {v}
        </Typography.Text>
      ),
    },
    {
      title: t('records.col.refunded'),
      dataIndex: 'refundedFen',
      key: 'refundedFen',
      align: 'right' as const,
      render: (v: number) => (v > 0 ? <Typography.Text type="warning">{formatFen(v)}</Typography.Text> : t('common.none')),
    },
  ];

  const outlet: RecordsOutlet = { names, onChanged: () => void load(filter) };

  return (
    <div data-testid="records-page">
      <PageHeader title={t('records.title')}>
        <Button icon={<DownloadOutlined />} href={paymentUrls.export('csv', filter)} data-testid="export-csv">
          {t('records.exportCsv')}
        </Button>
        <Button icon={<DownloadOutlined />} href={paymentUrls.export('xlsx', filter)} data-testid="export-xlsx">
          {t('records.exportXlsx')}
        </Button>
      </PageHeader>

      {places.error && <LoadError message={places.error} onRetry={() => void places.reload()} />}

      <Card size="small" style={{ marginBottom: 16 }}>
        <Form form={form} layout="vertical" onFinish={apply} data-testid="records-filters">
          <Row gutter={[12, 0]}>
            <Col xs={24} md={12} xl={8}>
              <Form.Item name="range" label={t('records.f.range')}>
                <DatePicker.RangePicker
                  style={{ width: '100%' }}
                  allowEmpty={[true, true]}
                  presets={[
                    { label: t('records.preset.today'), value: [today, today] },
                    { label: t('records.preset.yesterday'), value: [today.subtract(1, 'day'), today.subtract(1, 'day')] },
                    { label: t('records.preset.week'), value: [today.subtract(6, 'day'), today] },
                    { label: t('records.preset.month'), value: [today.startOf('month'), today] },
                  ]}
                  data-testid="filter-range"
                />
              </Form.Item>
            </Col>
            {role !== 'cashier' && (
              <Col xs={12} md={6} xl={4}>
                <Form.Item name="storeId" label={t('records.f.store')}>
                  <Select
                    allowClear
                    placeholder={t('records.all')}
                    options={(places.data?.stores ?? []).map((s) => ({ value: s.id, label: s.name }))}
                    onChange={() => form.setFieldValue('stationId', undefined)}
                    data-testid="filter-store"
                  />
                </Form.Item>
              </Col>
            )}
            <Col xs={12} md={6} xl={4}>
              <Form.Item name="stationId" label={t('records.f.station')}>
                <Select
                  allowClear
                  placeholder={t('records.all')}
                  options={stations.map((s) => ({ value: s.id, label: s.name }))}
                  data-testid="filter-station"
                />
              </Form.Item>
            </Col>
            {can(role, 'staff.read') && (
              <Col xs={12} md={6} xl={4}>
                <Form.Item name="cashierId" label={t('records.f.cashier')}>
                  <Select
                    allowClear
                    showSearch={{ optionFilterProp: 'label' }}
                    placeholder={t('records.all')}
                    options={[
                      { value: session.user.id, label: session.user.name },
                      ...cashiers.filter((s) => s.id !== session.user.id).map((s) => ({ value: s.id, label: s.name })),
                    ]}
                    data-testid="filter-cashier"
                  />
                </Form.Item>
              </Col>
            )}
            <Col xs={12} md={6} xl={4}>
              <Form.Item name="method" label={t('records.f.method')}>
                <Select
                  allowClear
                  placeholder={t('records.all')}
                  options={methods.map((m) => ({ value: m, label: methodLabel(t, m) }))}
                  data-testid="filter-method"
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={4}>
              <Form.Item name="status" label={t('records.f.status')}>
                <Select
                  allowClear
                  placeholder={t('records.all')}
                  options={statuses.map((s) => ({ value: s, label: t(`pay.status.${s}`) }))}
                  data-testid="filter-status"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item label={t('records.f.amount')} style={{ marginBottom: 0 }}>
                <Flex gap={8} align="baseline">
                  <Form.Item name="minYuan" style={{ flex: 1 }}>
                    <Input prefix="¥" inputMode="decimal" placeholder={t('records.min')} data-testid="filter-min" />
                  </Form.Item>
                  <span>–</span>
                  <Form.Item name="maxYuan" style={{ flex: 1 }}>
                    <Input prefix="¥" inputMode="decimal" placeholder={t('records.max')} data-testid="filter-max" />
                  </Form.Item>
                </Flex>
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={6}>
              <Form.Item name="outTradeNo" label={t('records.f.tradeNo')}>
                <Input allowClear placeholder={t('records.tradeNoPlaceholder')} data-testid="filter-trade-no" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={6} style={{ display: 'flex', alignItems: 'flex-end', paddingBottom: 24 }}>
              <Flex gap={8}>
                <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={loading} data-testid="filter-submit">
                  {t('records.search')}
                </Button>
                <Button
                  icon={<ReloadOutlined />}
                  onClick={() => {
                    form.resetFields();
                    setFilter({});
                  }}
                  data-testid="filter-reset"
                >
                  {t('records.reset')}
                </Button>
              </Flex>
            </Col>
          </Row>
        </Form>
      </Card>

      <TotalsCards totals={totals} testIdPrefix="totals" />

      {error && <LoadError message={error} onRetry={() => void load(filter)} />}

      <Table<Payment>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={page?.items ?? []}
        columns={columns}
        pagination={false}
        scroll={{ x: 960 }}
        locale={{ emptyText: t('records.empty') }}
        onRow={(p) => ({
          onClick: () => navigate(`/records/${encodeURIComponent(p.id)}`),
          style: { cursor: 'pointer' },
          'data-testid': 'record-row',
        })}
        data-testid="records-table"
      />
      {page?.nextCursor && (
        <Flex justify="center" style={{ marginTop: 16 }}>
          <Button size="large" loading={loadingMore} onClick={() => void loadMore()} data-testid="records-more">
            {t('records.more')}
          </Button>
        </Flex>
      )}
      {page && !page.nextCursor && page.items.length > 0 && (
        <Alert
          type="info"
          title={t('records.end', { n: page.items.length })}
          style={{ marginTop: 16, textAlign: 'center' }}
          banner
          showIcon={false}
        />
      )}
      <Outlet context={outlet} />
    </div>
  );
}
