import { LockOutlined, PlusOutlined } from '@ant-design/icons';
import { formatFen } from '@paydesk/domain';
import { Alert, Button, Card, Empty, Flex, InputNumber, Segmented, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type SimDecision, type SimFailCode, type SimPayerCode, type SimTrade, type SimWallet, simApi } from '../../api/payments.ts';
import { serverErrorMessage, useSubmit } from '../../components/forms.tsx';
import { Barcode } from '../../components/payments/Barcode.tsx';
import { QrImage } from '../../components/payments/QrImage.tsx';
import { usePolling } from '../../components/payments/util.ts';
import { decisionLabel, FailCodeSelect } from './common.tsx';

type Behaviour = SimDecision['action'];

const walletColour: Record<string, string> = { wechat: '#07c160', alipay: '#1677ff' };

/** "134567890123456789" → "1345 6789 0123 4567 89", as wallets print it. */
const grouped = (code: string) => code.replace(/(\d{4})(?=\d)/g, '$1 ');

function PayerCodeCard({ item, large }: { item: SimPayerCode; large: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(large);
  const colour = walletColour[item.wallet] ?? '#595959';
  return (
    <Card
      size="small"
      data-testid="sim-payer-code"
      data-code={item.code}
      data-used={item.used ? 'true' : 'false'}
      style={{ borderColor: colour, opacity: item.used ? 0.65 : 1 }}
      styles={{ header: { background: colour, color: '#fff' } }}
      title={
        <Flex justify="space-between" align="center" gap={8}>
          <span>{t(`sim.wallet.${item.wallet}`, { defaultValue: item.wallet })}</span>
          <span style={{ fontWeight: 400, fontSize: 13 }}>{decisionLabel(t, item.behaviour)}</span>
        </Flex>
      }
    >
      <Flex vertical align="center" gap={8}>
        <Typography.Text
          copyable={{ text: item.code }}
          style={{ fontSize: large ? 22 : 18, fontWeight: 600, letterSpacing: 1, fontVariantNumeric: 'tabular-nums' }}
          data-testid="sim-payer-code-digits"
        >
          {grouped(item.code)}
        </Typography.Text>
        {item.used && <Tag data-testid="sim-payer-code-used">{t('sim.codes.used')}</Tag>}
        {open ? (
          <>
            <Barcode text={item.code} height={large ? 80 : 60} testId="sim-payer-barcode" />
            <QrImage text={item.code} size={large ? 170 : 130} alt={t('sim.codes.qrAlt')} />
          </>
        ) : (
          <Button size="small" type="link" onClick={() => setOpen(true)}>
            {t('sim.codes.showImages')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}

/** 付款码: customer payment codes for the cashier to scan, each with its fate chosen in advance. */
export function PayerCodesTab({ onPickTrade }: { onPickTrade: (trade: SimTrade) => void }) {
  const { t } = useTranslation();
  const [wallet, setWallet] = useState<SimWallet>('wechat');
  const [behaviour, setBehaviour] = useState<Behaviour>('pay');
  const [failCode, setFailCode] = useState<SimFailCode>('NOTENOUGH');
  const [seconds, setSeconds] = useState<number | null>(5);
  const [codes, setCodes] = useState<SimPayerCode[] | null>(null);
  const [waiting, setWaiting] = useState<SimTrade[]>([]);
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useSubmit();

  const load = async () => {
    const [list, trades] = await Promise.all([simApi.payerCodes(), simApi.trades()]);
    setCodes(list.items);
    setWaiting(trades.items.filter((tr) => tr.flow === 'code_pay' && tr.state === 'USERPAYING'));
  };
  usePolling(load, 2000, true);

  const decision = (): SimDecision => {
    switch (behaviour) {
      case 'fail':
        return { action: 'fail', failCode };
      case 'pay_after':
        return { action: 'pay_after', seconds: seconds ?? 5 };
      case 'never':
        return { action: 'never' };
      case 'password':
        return { action: 'password' };
      default:
        return { action: 'pay' };
    }
  };

  const create = () =>
    run(async () => {
      setError(null);
      try {
        await simApi.createPayerCode(wallet, decision());
        await load();
      } catch (err) {
        setError(serverErrorMessage(err));
      }
    });

  return (
    <Flex vertical gap={16} data-testid="sim-codes-tab">
      {waiting.length > 0 && (
        <Alert
          type="warning"
          showIcon
          icon={<LockOutlined />}
          title={t('sim.codes.waitingTitle')}
          description={
            <Flex vertical gap={8} style={{ marginTop: 8 }}>
              {waiting.map((tr) => (
                <Flex key={tr.tradeNo} align="center" justify="space-between" gap={8} data-testid="sim-waiting-trade">
                  <span style={{ fontSize: 20, fontWeight: 700 }}>{formatFen(tr.amountFen)}</span>
                  <Button type="primary" icon={<LockOutlined />} onClick={() => onPickTrade(tr)} data-testid="sim-enter-password">
                    {t('sim.enterPasswordShort')}
                  </Button>
                </Flex>
              ))}
            </Flex>
          }
        />
      )}

      <Card size="small" title={t('sim.codes.newTitle')}>
        <Flex vertical gap={10}>
          <Segmented
            block
            size="large"
            value={wallet}
            onChange={(v) => setWallet(v as SimWallet)}
            options={[
              { value: 'wechat', label: <span data-testid="sim-wallet-wechat">{t('sim.wallet.wechat')}</span> },
              { value: 'alipay', label: <span data-testid="sim-wallet-alipay">{t('sim.wallet.alipay')}</span> },
            ]}
          />
          <Typography.Text type="secondary">{t('sim.codes.behaviour')}</Typography.Text>
          <Select
            size="large"
            value={behaviour}
            onChange={setBehaviour}
            options={(['pay', 'fail', 'pay_after', 'never', 'password'] as const).map((a) => ({
              value: a,
              label: t(`sim.decision.${a === 'pay_after' ? 'payAfterChoice' : a}`),
            }))}
            data-testid="sim-behaviour"
          />
          {behaviour === 'fail' && <FailCodeSelect value={failCode} onChange={setFailCode} testId="sim-behaviour-fail-code" />}
          {behaviour === 'pay_after' && (
            <InputNumber
              size="large"
              min={1}
              max={600}
              precision={0}
              value={seconds}
              onChange={setSeconds}
              suffix={t('sim.seconds')}
              data-testid="sim-behaviour-seconds"
            />
          )}
          {error && <Alert type="error" showIcon title={error} />}
          <Button
            type="primary"
            size="large"
            icon={<PlusOutlined />}
            loading={busy}
            onClick={() => void create()}
            data-testid="sim-create-code"
          >
            {t('sim.codes.create')}
          </Button>
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {t('sim.codes.hint')}
          </Typography.Text>
        </Flex>
      </Card>

      {codes !== null && codes.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sim.codes.none')} />
      ) : (
        <Flex vertical gap={12}>
          {(codes ?? []).map((c, i) => (
            <PayerCodeCard key={c.code} item={c} large={i === 0} />
          ))}
        </Flex>
      )}
    </Flex>
  );
}
