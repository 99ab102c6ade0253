import { formatFen } from '@paydesk/domain';
import { Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PaymentTotals } from '../../api/payments.ts';

/**
 * Count, takings, refunds and net of the records or of the daily report, each waiting with its own
 * skeleton until the totals arrive (`null`). Test ids: `<prefix>-count`, `-succeeded`, `-refunded`, `-net`.
 */
export function TotalsCards(props: { totals: PaymentTotals | null; testIdPrefix: string }) {
  const { t } = useTranslation();
  const { totals, testIdPrefix: prefix } = props;
  const cards = [
    { key: 'count', value: String(totals?.count ?? 0) },
    { key: 'succeeded', value: formatFen(totals?.succeededFen ?? 0), color: '#237804' },
    { key: 'refunded', value: formatFen(totals?.refundedFen ?? 0), color: '#d46b08' },
    { key: 'net', value: formatFen((totals?.succeededFen ?? 0) - (totals?.refundedFen ?? 0)) },
  ];
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid={`${prefix}-cards`}>
      {cards.map((c) => (
        <Col xs={12} md={6} key={c.key}>
          <Card size="small">
            <Statistic
              title={t(`records.totals.${c.key}`)}
              value={c.value}
              loading={!totals}
              styles={c.color ? { content: { color: c.color } } : undefined}
              data-testid={`${prefix}-${c.key}`}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
