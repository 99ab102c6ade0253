import { CheckCircleFilled, CheckOutlined, ClockCircleOutlined, MinusCircleOutlined, RightOutlined } from '@ant-design/icons';
import { can } from '@paydesk/domain';
import { Button, Card, Col, Flex, Progress, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/endpoints.ts';
import { paymentsApi } from '../api/payments.ts';
import { LoadError } from '../components/LoadError.tsx';
import { useLoad } from '../components/useLoad.ts';
import { useRequiredSession } from '../session/SessionContext.tsx';

interface Check {
  key: string;
  done: boolean;
}

interface Link {
  to: string;
  label: string;
  comingSoon?: boolean;
}

interface Step {
  n: number;
  key: string;
  checks: Check[];
  links: Link[];
  /** Part of the step is a feature of a later version. */
  comingSoon: boolean;
}

export function GuidePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useRequiredSession();
  const role = session.user.role;
  const progress = useLoad(async () => {
    const [stores, stations, staff, codes, bindings, paid] = await Promise.all([
      api.stores(),
      api.stations(),
      can(role, 'staff.read') ? api.staff() : Promise.resolve({ items: [] }),
      api.codes(),
      api.bindings({ active: true }),
      paymentsApi.list({ status: 'succeeded' }, null, 1),
    ]);
    return {
      stores: stores.items.length,
      stations: stations.items.length,
      staff: staff.items.filter((s) => s.id !== session.user.id).length,
      codes: codes.items.length,
      bindings: bindings.items.length,
      payments: paid.items.length,
    };
  }, `${role}:${session.user.id}`);

  const p = progress.data;
  const storeStation = !!p && p.stores > 0 && p.stations > 0;
  const hasStaff = !!p && p.staff > 0;
  const hasCode = !!p && p.codes > 0;
  const hasBinding = !!p && p.bindings > 0;
  const hasPayment = !!p && p.payments > 0;

  const steps: Step[] = [
    { n: 1, key: 'channels', checks: [], links: [{ to: '/channels', label: t('nav.channels') }], comingSoon: false },
    {
      n: 2,
      key: 'register',
      checks: [{ key: 'registered', done: true }],
      links: [{ to: '/account', label: t('guide.linkAccount') }],
      comingSoon: false,
    },
    { n: 3, key: 'codes', checks: [{ key: 'code', done: hasCode }], links: [{ to: '/codes', label: t('nav.codes') }], comingSoon: false },
    {
      n: 4,
      key: 'bindings',
      checks: [
        { key: 'storeStation', done: storeStation },
        { key: 'binding', done: hasBinding },
      ],
      links: [
        { to: '/stores', label: t('guide.linkStores') },
        { to: '/bindings', label: t('nav.bindings') },
      ],
      comingSoon: false,
    },
    {
      n: 5,
      key: 'payments',
      checks: [{ key: 'payment', done: hasPayment }],
      links: [
        { to: '/sim', label: t('nav.sim') },
        { to: '/cashier', label: t('nav.cashier') },
      ],
      comingSoon: false,
    },
    {
      n: 6,
      key: 'training',
      checks: [{ key: 'staff', done: hasStaff }],
      links: [
        { to: '/staff', label: t('guide.linkStaff') },
        { to: '/training', label: t('nav.training'), comingSoon: true },
      ],
      comingSoon: true,
    },
    {
      n: 7,
      key: 'maintenance',
      checks: [],
      links: [{ to: '/maintenance', label: t('nav.maintenance'), comingSoon: true }],
      comingSoon: true,
    },
  ];
  const isDone = (s: Step) => s.checks.length > 0 && s.checks.every((c) => c.done);
  const doneCount = steps.filter(isDone).length;

  return (
    <div data-testid="guide">
      <Flex justify="space-between" align="center" wrap gap={16} style={{ marginBottom: 16 }}>
        <div>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {t('guide.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('guide.intro')}</Typography.Text>
        </div>
        <Flex vertical style={{ minWidth: 220 }}>
          <Typography.Text data-testid="guide-progress">{t('guide.progress', { done: doneCount, total: steps.length })}</Typography.Text>
          <Progress percent={Math.round((doneCount / steps.length) * 100)} showInfo={false} />
        </Flex>
      </Flex>
      {progress.error && <LoadError message={progress.error} onRetry={() => void progress.reload()} />}
      <Row gutter={[16, 16]}>
        {steps.map((step) => {
          const done = isDone(step);
          return (
            <Col key={step.key} xs={24} md={12} xl={8}>
              <Card
                data-testid={`guide-step-${step.n}`}
                data-done={done ? 'true' : 'false'}
                style={{ height: '100%', borderColor: done ? '#b7eb8f' : undefined }}
              >
                <Flex align="flex-start" gap={12} style={{ marginBottom: 12 }}>
                  <span
                    style={{
                      flex: 'none',
                      display: 'inline-flex',
                      width: 32,
                      height: 32,
                      borderRadius: 16,
                      alignItems: 'center',
                      justifyContent: 'center',
                      background: done ? '#52c41a' : '#1677ff',
                      color: '#fff',
                      fontWeight: 600,
                      fontSize: 16,
                    }}
                  >
                    {done ? <CheckOutlined /> : step.n}
                  </span>
                  <Typography.Title level={4} style={{ margin: 0, flex: 1, fontSize: 18, lineHeight: '32px' }}>
                    {t(`guide.steps.${step.key}.title`)}
                  </Typography.Title>
                  <span style={{ flex: 'none', lineHeight: '32px' }}>
                    {done ? (
                      <Tag color="success" data-testid={`guide-step-${step.n}-status`}>
                        {t('guide.done')}
                      </Tag>
                    ) : step.checks.length === 0 ? (
                      <Tag data-testid={`guide-step-${step.n}-status`}>{t('guide.comingSoon')}</Tag>
                    ) : (
                      <Tag color="processing" data-testid={`guide-step-${step.n}-status`}>
                        {t('guide.todo')}
                      </Tag>
                    )}
                  </span>
                </Flex>
                <Typography.Paragraph>{t(`guide.steps.${step.key}.desc`)}</Typography.Paragraph>
                {step.checks.map((c) => (
                  <Typography.Paragraph
                    key={c.key}
                    style={{ marginBottom: 8 }}
                    data-testid={`guide-check-${c.key}`}
                    data-done={c.done ? 'true' : 'false'}
                  >
                    {c.done ? <CheckCircleFilled style={{ color: '#52c41a' }} /> : <MinusCircleOutlined style={{ color: '#bfbfbf' }} />}{' '}
                    {t(`guide.checks.${c.key}`)}
                  </Typography.Paragraph>
                ))}
                <Flex vertical gap={8}>
                  {step.links.map((l) => (
                    <Button
                      key={l.to}
                      block
                      size="large"
                      type={l.comingSoon ? 'default' : 'primary'}
                      ghost={!l.comingSoon}
                      icon={l.comingSoon ? <ClockCircleOutlined /> : <RightOutlined />}
                      iconPlacement={l.comingSoon ? 'start' : 'end'}
                      onClick={() => navigate(l.to)}
                      style={{ whiteSpace: 'normal', height: 'auto', minHeight: 48 }}
                      data-testid={`guide-link-${l.to.slice(1)}`}
                    >
                      {l.label}
                      {l.comingSoon ? ` · ${t('guide.comingSoon')}` : ''}
                    </Button>
                  ))}
                </Flex>
              </Card>
            </Col>
          );
        })}
      </Row>
    </div>
  );
}
