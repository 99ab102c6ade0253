import { formatFen } from '@paydesk/domain';
import { DatePicker, Select, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints.ts';
import { type DailyReport, reportsApi } from '../../api/payments.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useRequiredSession } from '../../session/SessionContext.tsx';
import { TotalsCards } from './TotalsCards.tsx';

type Day = DailyReport['days'][number];

/** The days of `month` up to today: the report shows no days that have not happened yet. */
function rangeOf(month: Dayjs): { from: string; to: string } {
  const today = dayjs();
  const end = month.endOf('month');
  return { from: month.startOf('month').format('YYYY-MM-DD'), to: (end.isAfter(today) ? today : end).format('YYYY-MM-DD') };
}

/** 日报: what each day of a month took and refunded, for the whole business or one store. */
export function DailyReportPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const [month, setMonth] = useState(() => dayjs().startOf('month'));
  const [storeId, setStoreId] = useState<string>('');
  // Managers and cashiers see their own store (or sales) whatever they pick: only an owner chooses.
  const choosesStore = session.user.role === 'owner';
  const stores = useLoad(async () => (choosesStore ? (await api.stores()).items : []), String(choosesStore));
  const range = rangeOf(month);
  const report = useLoad(() => reportsApi.daily({ ...range, ...(storeId && { storeId }) }), `${range.from}:${range.to}:${storeId}`);
  const money = (v: number, testId: string) => <span data-testid={testId}>{formatFen(v)}</span>;

  const columns = [
    {
      title: t('reports.col.date'),
      dataIndex: 'date',
      key: 'date',
      render: (v: string) => `${v}（${t(`reports.weekday.${dayjs(v).day()}`)}）`,
    },
    { title: t('records.totals.count'), dataIndex: 'count', key: 'count', align: 'right' as const },
    {
      title: t('records.totals.succeeded'),
      dataIndex: 'succeededFen',
      key: 'succeededFen',
      align: 'right' as const,
      render: (v: number) => money(v, 'day-succeeded'),
    },
    {
      title: t('records.totals.refunded'),
      dataIndex: 'refundedFen',
      key: 'refundedFen',
      align: 'right' as const,
      render: (v: number) => money(v, 'day-refunded'),
    },
    {
      title: t('records.totals.net'),
      key: 'net',
      align: 'right' as const,
      render: (_: unknown, d: Day) => <Typography.Text strong>{money(d.succeededFen - d.refundedFen, 'day-net')}</Typography.Text>,
    },
  ];

  return (
    <div data-testid="report-page">
      <PageHeader title={t('reports.title')}>
        {choosesStore && (
          <Select
            size="large"
            style={{ minWidth: 200 }}
            value={storeId}
            onChange={setStoreId}
            options={[{ value: '', label: t('reports.allStores') }, ...(stores.data ?? []).map((s) => ({ value: s.id, label: s.name }))]}
            data-testid="report-store"
          />
        )}
        <DatePicker
          picker="month"
          size="large"
          allowClear={false}
          value={month}
          disabledDate={(d) => d.isAfter(dayjs(), 'month')}
          onChange={(d) => d && setMonth(d.startOf('month'))}
          data-testid="report-month"
        />
      </PageHeader>
      <Typography.Paragraph type="secondary">{t('reports.intro')}</Typography.Paragraph>

      <TotalsCards totals={report.data?.totals ?? null} testIdPrefix="report" />

      {report.error && <LoadError message={report.error} onRetry={() => void report.reload()} />}
      <Table<Day>
        rowKey="date"
        size="middle"
        loading={report.loading}
        // Newest first: the day an owner checks most is today.
        dataSource={[...(report.data?.days ?? [])].reverse()}
        columns={columns}
        pagination={false}
        onRow={(d) => ({ 'data-testid': 'report-day', 'data-date': d.date, style: d.count === 0 ? { color: '#8c8c8c' } : undefined })}
        data-testid="report-table"
      />
    </div>
  );
}
