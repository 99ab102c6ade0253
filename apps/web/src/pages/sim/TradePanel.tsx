import { CheckCircleFilled, ClockCircleOutlined, CloseCircleFilled, LeftOutlined, LockOutlined } from '@ant-design/icons';
import { formatFen } from '@paydesk/domain';
import { Alert, Button, Flex, InputNumber, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type SimDecision, type SimFailCode, type SimNotify, type SimTrade, simApi } from '../../api/payments.ts';
import { serverErrorMessage, useSubmit } from '../../components/forms.tsx';
import { simStateLabel } from '../../components/payments/labels.tsx';
import { PasswordPad } from '../../components/payments/PasswordPad.tsx';
import { mmss, usePolling, useSecondsLeft } from '../../components/payments/util.ts';
import { useRequiredSession } from '../../session/SessionContext.tsx';
import { decisionLabel, FailCodeSelect, finalStates, NotifySettings, notifyBody } from './common.tsx';

const stateColour: Record<string, string> = {
  NOTPAY: 'processing',
  USERPAYING: 'warning',
  SUCCESS: 'success',
  PAYERROR: 'error',
  CLOSED: 'default',
  REVOKED: 'default',
};

/** One "scanned" trade: what it is for, and the buttons that decide its fate. */
export function TradePanel({ initial, onBack }: { initial: SimTrade; onBack: () => void }) {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const [trade, setTrade] = useState(initial);
  const [failCode, setFailCode] = useState<SimFailCode>('NOTENOUGH');
  const [seconds, setSeconds] = useState<number | null>(5);
  const [notify, setNotify] = useState<SimNotify>({});
  const [password, setPassword] = useState('');
  const [decided, setDecided] = useState<SimDecision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useSubmit();
  const final = finalStates.has(trade.state);
  const left = useSecondsLeft(final ? null : trade.expiresAt);

  // Follow the trade until it ends (a delayed payment settles by itself).
  usePolling(
    async () => {
      setTrade(await simApi.scan({ tradeNo: trade.tradeNo }));
    },
    2000,
    !final,
    trade.tradeNo,
  );

  const decide = (decision: SimDecision) =>
    run(async () => {
      setError(null);
      try {
        setTrade(await simApi.decide(trade.tradeNo, decision, notifyBody(notify)));
        setDecided(decision);
      } catch (err) {
        setError(serverErrorMessage(err));
      }
    });

  const confirmPassword = () =>
    run(async () => {
      setError(null);
      if (!/^\d{6}$/.test(password)) {
        setError(t('sim.passwordSix'));
        return;
      }
      try {
        setTrade(await simApi.password(trade.tradeNo, notifyBody(notify)));
        setPassword('');
      } catch (err) {
        setError(serverErrorMessage(err));
      }
    });

  const waitingForPassword = trade.state === 'USERPAYING' && decided?.action !== 'pay_after' && decided?.action !== 'never';

  return (
    <Flex vertical gap={14} data-testid="sim-trade" data-trade-no={trade.tradeNo}>
      <Button
        type="link"
        icon={<LeftOutlined />}
        onClick={onBack}
        style={{ alignSelf: 'flex-start', paddingInline: 0 }}
        data-testid="sim-back"
      >
        {t('sim.back')}
      </Button>
      <div style={{ textAlign: 'center' }}>
        <Typography.Text type="secondary" style={{ fontSize: 16 }}>
          {t('sim.payTo')}
        </Typography.Text>
        <div style={{ fontSize: 20, fontWeight: 600 }} data-testid="sim-trade-shop">
          {session.merchant.name}
        </div>
        <div style={{ fontSize: 52, fontWeight: 700, lineHeight: 1.2, fontVariantNumeric: 'tabular-nums' }} data-testid="sim-trade-amount">
          {formatFen(trade.amountFen)}
        </div>
        <Typography.Text type="secondary">{trade.description}</Typography.Text>
        <div style={{ marginTop: 6 }}>
          <Tag color={stateColour[trade.state] ?? 'default'} data-testid="sim-trade-state">
            {simStateLabel(t, trade.state)}
          </Tag>
          {!final && left > 0 && (
            <Typography.Text type="secondary">
              <ClockCircleOutlined /> {t('cashier.expiresIn', { time: mmss(left) })}
            </Typography.Text>
          )}
        </div>
      </div>

      {error && <Alert type="error" showIcon title={error} data-testid="sim-error" />}

      {trade.state === 'SUCCESS' && (
        <Alert
          type="success"
          showIcon
          icon={<CheckCircleFilled />}
          title={<span style={{ fontSize: 18 }}>{t('sim.paidTitle')}</span>}
          description={t('sim.paidDesc')}
          data-testid="sim-paid"
        />
      )}
      {trade.state === 'PAYERROR' && (
        <Alert type="error" showIcon icon={<CloseCircleFilled />} title={t('sim.failedTitle')} data-testid="sim-failed" />
      )}
      {(trade.state === 'CLOSED' || trade.state === 'REVOKED') && <Alert type="warning" showIcon title={t('sim.closedTitle')} />}

      {trade.state === 'NOTPAY' && (
        <Flex vertical gap={10}>
          <Button
            type="primary"
            size="large"
            loading={busy}
            onClick={() => void decide({ action: 'pay' })}
            style={{ height: 60, fontSize: 22, background: '#07c160' }}
            data-testid="sim-pay"
          >
            {t('sim.decision.pay')}
          </Button>
          <Flex gap={8}>
            <FailCodeSelect value={failCode} onChange={setFailCode} testId="sim-fail-code" />
            <Button size="large" danger disabled={busy} onClick={() => void decide({ action: 'fail', failCode })} data-testid="sim-fail">
              {t('sim.decision.fail')}
            </Button>
          </Flex>
          <Flex gap={8} align="center">
            <InputNumber
              size="large"
              min={1}
              max={600}
              precision={0}
              value={seconds}
              onChange={setSeconds}
              suffix={t('sim.seconds')}
              style={{ flex: 1 }}
              data-testid="sim-pay-after-seconds"
            />
            <Button
              size="large"
              disabled={busy || !seconds}
              onClick={() => void decide({ action: 'pay_after', seconds: seconds ?? 5 })}
              data-testid="sim-pay-after"
            >
              {t('sim.decision.payAfter', { n: seconds ?? 0 })}
            </Button>
          </Flex>
          <Flex gap={8}>
            <Button
              size="large"
              style={{ flex: 1 }}
              disabled={busy}
              onClick={() => void decide({ action: 'never' })}
              data-testid="sim-never"
            >
              {t('sim.decision.never')}
            </Button>
            <Button
              size="large"
              style={{ flex: 1 }}
              icon={<LockOutlined />}
              disabled={busy}
              onClick={() => void decide({ action: 'password' })}
              data-testid="sim-ask-password"
            >
              {t('sim.decision.password')}
            </Button>
          </Flex>
          <NotifySettings value={notify} onChange={setNotify} />
        </Flex>
      )}

      {trade.state === 'USERPAYING' && decided && decided.action !== 'password' && (
        <Alert type="info" showIcon title={decisionLabel(t, decided)} description={t('sim.decidedWaiting')} data-testid="sim-decided" />
      )}

      {waitingForPassword && (
        <Flex vertical gap={10} data-testid="sim-password">
          <Typography.Text strong style={{ fontSize: 18, textAlign: 'center' }}>
            {t('sim.enterPassword')}
          </Typography.Text>
          <PasswordPad value={password} onChange={setPassword} onEnter={() => void confirmPassword()} disabled={busy} />
          <Button
            type="primary"
            size="large"
            loading={busy}
            disabled={password.length !== 6}
            onClick={() => void confirmPassword()}
            style={{ height: 56, fontSize: 20 }}
            data-testid="sim-confirm-password"
          >
            {t('sim.confirmPassword')}
          </Button>
          {decided === null && <NotifySettings value={notify} onChange={setNotify} />}
        </Flex>
      )}
    </Flex>
  );
}
