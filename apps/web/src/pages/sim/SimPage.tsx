import { MobileOutlined } from '@ant-design/icons';
import { Alert, Flex, Segmented, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { type SimTrade, simApi } from '../../api/payments.ts';
import { serverErrorMessage } from '../../components/forms.tsx';
import { useRequiredSession } from '../../session/SessionContext.tsx';
import { OutageTab } from './OutageTab.tsx';
import { PayerCodesTab } from './PayerCodesTab.tsx';
import { ScanTab } from './ScanTab.tsx';
import { TradePanel } from './TradePanel.tsx';

type Tab = 'scan' | 'codes' | 'outage';

/**
 * 模拟器: a phone-like page that plays the customer's wallet against the simulator channel. Owners test
 * their set-up with it and staff practise; a real phone scanning a dynamic code lands on `?trade=…`.
 */
export function SimPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const [params, setParams] = useSearchParams();
  const tradeParam = params.get('trade');
  const [tab, setTab] = useState<Tab>('scan');
  const [trade, setTrade] = useState<SimTrade | null>(null);
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!tradeParam) return;
    let live = true;
    setOpening(true);
    setError(null);
    simApi
      .scan({ tradeNo: tradeParam })
      .then((found) => {
        if (live) {
          setTab('scan');
          setTrade(found);
        }
      })
      .catch((err: unknown) => {
        if (live) setError(serverErrorMessage(err));
      })
      .finally(() => {
        if (live) setOpening(false);
      });
    return () => {
      live = false;
    };
  }, [tradeParam]);

  const pick = (found: SimTrade) => {
    setTrade(found);
    setError(null);
  };
  const back = () => {
    setTrade(null);
    if (tradeParam) setParams({}, { replace: true });
  };

  return (
    <div style={{ display: 'flex', justifyContent: 'center' }} data-testid="sim-page">
      <div
        style={{
          width: '100%',
          maxWidth: 420,
          minHeight: 720,
          background: '#fff',
          border: '10px solid #1f1f1f',
          borderRadius: 36,
          boxShadow: '0 8px 28px rgba(0,0,0,0.18)',
          overflow: 'hidden',
          display: 'flex',
          flexDirection: 'column',
        }}
      >
        <div style={{ background: '#1f1f1f', color: '#fff', padding: '10px 18px 12px' }}>
          <Flex align="center" gap={8}>
            <MobileOutlined />
            <Typography.Text strong style={{ color: '#fff', fontSize: 16 }}>
              {t('sim.title')}
            </Typography.Text>
          </Flex>
          <Typography.Text style={{ color: '#bfbfbf', fontSize: 12 }}>{t('sim.subtitle', { shop: session.merchant.name })}</Typography.Text>
        </div>
        <div style={{ padding: 16, flex: 1, display: 'flex', flexDirection: 'column', gap: 14 }}>
          {!trade && (
            <Segmented
              block
              size="large"
              value={tab}
              onChange={(v) => setTab(v as Tab)}
              options={[
                { value: 'scan', label: <span data-testid="sim-tab-scan">{t('sim.tabs.scan')}</span> },
                { value: 'codes', label: <span data-testid="sim-tab-codes">{t('sim.tabs.codes')}</span> },
                { value: 'outage', label: <span data-testid="sim-tab-outage">{t('sim.tabs.outage')}</span> },
              ]}
            />
          )}
          {error && <Alert type="error" showIcon title={error} data-testid="sim-page-error" />}
          {opening ? (
            <Spin style={{ marginTop: 40 }} />
          ) : trade ? (
            <TradePanel key={trade.tradeNo} initial={trade} onBack={back} />
          ) : tab === 'scan' ? (
            <ScanTab onScanned={pick} />
          ) : tab === 'codes' ? (
            <PayerCodesTab onPickTrade={pick} />
          ) : (
            <OutageTab />
          )}
        </div>
      </div>
    </div>
  );
}
