import { Checkbox, Collapse, Flex, InputNumber, Select, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { SimDecision, SimFailCode, SimNotify } from '../../api/payments.ts';

export const failCodes: SimFailCode[] = ['NOTENOUGH', 'CARD_FROZEN', 'BUYER_CANCELLED', 'PAYER_RISK'];

/** "立即支付", "支付失败（余额不足）", "5 秒后支付", … */
export function decisionLabel(t: TFunction, raw: unknown): string {
  const d = raw as Partial<SimDecision> & { failCode?: string; seconds?: number };
  switch (d?.action) {
    case 'pay':
      return t('sim.decision.pay');
    case 'fail':
      return t('sim.decision.failWith', { reason: t(`sim.failCode.${d.failCode ?? 'NOTENOUGH'}`, { defaultValue: d.failCode }) });
    case 'pay_after':
      return t('sim.decision.payAfterN', { n: d.seconds ?? 0 });
    case 'never':
      return t('sim.decision.never');
    case 'password':
      return t('sim.decision.password');
    default:
      return t('common.none');
  }
}

export function FailCodeSelect({ value, onChange, testId }: { value: SimFailCode; onChange: (v: SimFailCode) => void; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Select
      value={value}
      onChange={onChange}
      options={failCodes.map((c) => ({ value: c, label: t(`sim.failCode.${c}`) }))}
      style={{ minWidth: 150, flex: 1 }}
      size="large"
      data-testid={testId}
    />
  );
}

/** The gateway's notification, misbehaving on request: duplicated, delayed or lost. */
export function NotifySettings({ value, onChange }: { value: SimNotify; onChange: (v: SimNotify) => void }) {
  const { t } = useTranslation();
  return (
    <Collapse
      size="small"
      items={[
        {
          key: 'notify',
          label: <span data-testid="sim-notify-toggle">{t('sim.notify.title')}</span>,
          children: (
            <Flex vertical gap={10}>
              <Typography.Text type="secondary">{t('sim.notify.intro')}</Typography.Text>
              <Flex align="center" gap={8} wrap>
                <span style={{ minWidth: 110 }}>{t('sim.notify.duplicates')}</span>
                <InputNumber
                  min={0}
                  max={5}
                  precision={0}
                  value={value.duplicates ?? 0}
                  onChange={(v) => onChange({ ...value, duplicates: v ?? 0 })}
                  data-testid="sim-notify-duplicates"
                />
              </Flex>
              <Flex align="center" gap={8} wrap>
                <span style={{ minWidth: 110 }}>{t('sim.notify.delay')}</span>
                <InputNumber
                  min={0}
                  max={600}
                  precision={0}
                  value={value.delaySeconds ?? 0}
                  onChange={(v) => onChange({ ...value, delaySeconds: v ?? 0 })}
                  suffix={t('sim.seconds')}
                  data-testid="sim-notify-delay"
                />
              </Flex>
              <Checkbox
                checked={value.lose ?? false}
                onChange={(e) => onChange({ ...value, lose: e.target.checked })}
                data-testid="sim-notify-lose"
              >
                {t('sim.notify.lose')}
              </Checkbox>
            </Flex>
          ),
        },
      ]}
    />
  );
}

/** Only the settings that differ from a plain, single, immediate notification are sent. */
export function notifyBody(n: SimNotify): SimNotify | undefined {
  const out: SimNotify = {};
  if (n.duplicates) out.duplicates = n.duplicates;
  if (n.delaySeconds) out.delaySeconds = n.delaySeconds;
  if (n.lose) out.lose = true;
  return Object.keys(out).length > 0 ? out : undefined;
}

export const finalStates = new Set(['SUCCESS', 'PAYERROR', 'CLOSED', 'REVOKED', 'REFUND']);
