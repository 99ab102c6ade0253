import { CameraOutlined, LockOutlined, QrcodeOutlined, RightOutlined } from '@ant-design/icons';
import { formatFen } from '@paydesk/domain';
import { Alert, Button, Empty, Flex, Input, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type SimTrade, simApi } from '../../api/payments.ts';
import { serverErrorMessage, useSubmit } from '../../components/forms.tsx';
import { flowLabel, simStateLabel } from '../../components/payments/labels.tsx';
import { mmss, usePolling, useSecondsLeft } from '../../components/payments/util.ts';

function TradeRow({ trade, onPick }: { trade: SimTrade; onPick: () => void }) {
  const { t } = useTranslation();
  const left = useSecondsLeft(trade.expiresAt);
  return (
    <Button
      block
      size="large"
      onClick={onPick}
      style={{ height: 'auto', padding: '10px 14px', textAlign: 'start', display: 'flex', alignItems: 'center', gap: 10 }}
      data-testid="sim-open-trade"
      data-trade-no={trade.tradeNo}
      data-flow={trade.flow}
    >
      <QrcodeOutlined style={{ fontSize: 26, color: '#1677ff' }} />
      <span style={{ flex: 1, minWidth: 0 }}>
        <span style={{ display: 'block', fontSize: 22, fontWeight: 700, fontVariantNumeric: 'tabular-nums' }}>
          {formatFen(trade.amountFen)}
        </span>
        <span style={{ display: 'block', fontSize: 13, color: '#8c8c8c', whiteSpace: 'normal' }}>
          {flowLabel(t, trade.flow)} · {trade.description} · {t('cashier.expiresIn', { time: mmss(left) })}
        </span>
      </span>
      {trade.flow === 'code_pay' ? (
        <Tag color="warning" icon={<LockOutlined />}>
          {t('sim.enterPasswordShort')}
        </Tag>
      ) : (
        <Tag color={trade.state === 'USERPAYING' ? 'warning' : 'processing'}>{simStateLabel(t, trade.state)}</Tag>
      )}
      <RightOutlined />
    </Button>
  );
}

/** 扫一扫: pick a code shown on a display, paste its text, or upload a photo of it. */
export function ScanTab({ onScanned }: { onScanned: (trade: SimTrade) => void }) {
  const { t } = useTranslation();
  const [trades, setTrades] = useState<SimTrade[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useSubmit();
  const fileRef = useRef<HTMLInputElement>(null);

  const load = async () => {
    try {
      setTrades((await simApi.trades()).items);
      setListError(null);
    } catch (err) {
      setListError(serverErrorMessage(err));
    }
  };
  usePolling(load, 2000, true);

  const scan = (fn: () => Promise<SimTrade>) =>
    run(async () => {
      setError(null);
      try {
        onScanned(await fn());
      } catch (err) {
        setError(serverErrorMessage(err));
      }
    });

  const shown = trades ?? [];

  return (
    <Flex vertical gap={16} data-testid="sim-scan-tab">
      <div>
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('sim.scan.shownTitle')}
        </Typography.Title>
        {listError && <Alert type="error" showIcon title={listError} style={{ marginBottom: 8 }} />}
        {trades !== null && shown.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sim.scan.none')} />
        ) : (
          <Flex vertical gap={8}>
            {shown.map((tr) => (
              <TradeRow key={tr.tradeNo} trade={tr} onPick={() => void scan(() => simApi.scan({ tradeNo: tr.tradeNo }))} />
            ))}
          </Flex>
        )}
      </div>

      {error && <Alert type="error" showIcon title={error} data-testid="sim-scan-error" />}

      <div>
        <Typography.Title level={5}>{t('sim.scan.pasteTitle')}</Typography.Title>
        <Flex gap={8}>
          <Input
            size="large"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onPressEnter={() => text.trim() && void scan(() => simApi.scan({ codeText: text.trim() }))}
            placeholder={t('sim.scan.pastePlaceholder')}
            data-testid="sim-paste"
          />
          <Button
            size="large"
            type="primary"
            disabled={!text.trim()}
            loading={busy}
            onClick={() => void scan(() => simApi.scan({ codeText: text.trim() }))}
            data-testid="sim-paste-submit"
          >
            {t('sim.scan.pasteSubmit')}
          </Button>
        </Flex>
      </div>

      <div>
        <Typography.Title level={5}>{t('sim.scan.photoTitle')}</Typography.Title>
        <input
          ref={fileRef}
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          capture="environment"
          style={{ display: 'none' }}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void scan(() => simApi.scanImage(file));
          }}
          data-testid="sim-photo-input"
        />
        <Button
          size="large"
          block
          icon={<CameraOutlined />}
          disabled={busy}
          onClick={() => fileRef.current?.click()}
          data-testid="sim-photo"
        >
          {t('sim.scan.photo')}
        </Button>
      </div>
    </Flex>
  );
}
