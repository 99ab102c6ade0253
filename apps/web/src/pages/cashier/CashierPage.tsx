import { DesktopOutlined, QrcodeOutlined, ScanOutlined, UnorderedListOutlined, WalletOutlined } from '@ant-design/icons';
import { classifyPaymentCode, fenToYuanString, formatFen, parseYuan } from '@paydesk/domain';
import { Alert, App, Button, Card, Col, Collapse, Flex, Result, Row, Segmented, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client.ts';
import { type OrderLine, type PayBody, type Payment, paymentsApi, paymentUrls, type WalletMethod } from '../../api/payments.ts';
import { serverErrorMessage } from '../../components/forms.tsx';
import { displayPayment, publishDisplay, readDisplay } from '../../components/payments/displayChannel.ts';
import { Keypad } from '../../components/payments/Keypad.tsx';
import { isEditable, type KeypadKey, keypadFen, keypadKeyOf, newId, pressKey, usePolling } from '../../components/payments/util.ts';
import { useRequiredSession } from '../../session/SessionContext.tsx';
import { LinesEditor } from './LinesEditor.tsx';
import { ResultPanel } from './ResultPanel.tsx';
import { ScanField } from './ScanField.tsx';

type Mode = 'scan' | 'dynamic' | 'cash';
type Target = 'amount' | 'tendered';

/** The name the server itself gives a keypad amount, so a keypad amount reads the same in every order. */
const manualLineName = '手动金额';

/** A plain button that looks like a panel (the amount and tendered boxes pick what the keypad types into). */
const boxReset = { display: 'block', width: '100%', font: 'inherit', color: 'inherit', cursor: 'default' } as const;

const isWaiting = (p: Payment | null) => p !== null && (p.status === 'pending' || p.status === 'created');

/** Quick "customer handed over" amounts: exact, then the next round notes. */
function tenderChoices(totalFen: number): number[] {
  const out = new Set<number>([totalFen]);
  for (const step of [1000, 2000, 5000, 10000]) {
    const up = Math.ceil(totalFen / step) * step;
    if (up > totalFen) out.add(up);
  }
  return [...out].sort((a, b) => a - b).slice(0, 4);
}

export function CashierPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useRequiredSession();
  if (!session.station) {
    return (
      <Result
        status="info"
        title={<span data-testid="cashier-no-station">{t('cashier.noStation')}</span>}
        subTitle={t('cashier.noStationHint')}
        extra={
          <Button type="primary" size="large" onClick={() => navigate('/station')} data-testid="cashier-open-station">
            {t('cashier.openStation')}
          </Button>
        }
      />
    );
  }
  return <Counter station={session.station} userName={session.user.name} />;
}

function Counter({ station, userName }: { station: { id: string; name: string }; userName: string }) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const navigate = useNavigate();

  const [amountText, setAmountText] = useState('');
  const [lines, setLines] = useState<OrderLine[]>([]);
  const [mode, setMode] = useState<Mode>('scan');
  const [wallet, setWallet] = useState<WalletMethod>('wechatpay');
  const [tenderedText, setTenderedText] = useState('');
  const [target, setTarget] = useState<Target>('amount');
  const [payment, setPayment] = useState<Payment | null>(null);
  /** A payment this station was still waiting on when the page was left or reloaded. */
  const [left] = useState(() => {
    const p = readDisplay(station.id)?.payment;
    return p && (p.status === 'pending' || p.status === 'created') ? p : null;
  });
  const [error, setError] = useState<string | null>(null);
  const [canRetrySame, setCanRetrySame] = useState(false);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);

  /** The order this sale was rung up as: kept while its lines and amount stay the same. */
  const order = useRef<{ id: string; body: string; created: boolean } | null>(null);
  /** The last payment attempt; its key is reused only when that same attempt is sent again. */
  const attempt = useRef<{ orderId: string; body: PayBody; json: string; key: string } | null>(null);

  const keyedFen = keypadFen(amountText);
  const linesFen = lines.reduce((sum, l) => sum + l.quantity * l.unitFen, 0);
  const totalFen = linesFen + keyedFen;
  const tenderedFen = keypadFen(tenderedText);
  const locked = payment !== null || busy;

  // The customer display follows this screen.
  useEffect(() => {
    publishDisplay(station.id, { amountFen: payment?.amountFen ?? totalFen, payment: payment ? displayPayment(payment) : null });
  }, [station.id, totalFen, payment]);

  const guard = useCallback(async (fn: () => Promise<void>) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    try {
      await fn();
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }, []);

  const orderBody = (): { amountFen: number } | { lines: OrderLine[] } =>
    lines.length === 0
      ? { amountFen: keyedFen }
      : { lines: keyedFen > 0 ? [...lines, { name: manualLineName, quantity: 1, unitFen: keyedFen }] : lines };

  const ensureOrder = async (): Promise<string> => {
    const body = orderBody();
    const json = JSON.stringify(body);
    const current = order.current;
    if (current && current.body === json && current.created) return current.id;
    const id = current && current.body === json ? current.id : newId();
    order.current = { id, body: json, created: false };
    await paymentsApi.createOrder({ id, ...body }, `order-${id}`);
    order.current = { id, body: json, created: true };
    return id;
  };

  const pay = (body: PayBody) =>
    guard(async () => {
      setError(null);
      setCanRetrySame(false);
      if (totalFen <= 0) {
        setError(t('cashier.needAmount'));
        return;
      }
      try {
        const orderId = await ensureOrder();
        const json = JSON.stringify(body);
        const prev = attempt.current;
        const key = prev && prev.orderId === orderId && prev.json === json ? prev.key : newId();
        attempt.current = { orderId, body, json, key };
        const answer = await paymentsApi.pay(orderId, body, key);
        attempt.current = null;
        setPayment(answer);
      } catch (err) {
        // A refusal is final; a network failure or server error may be retried with the same key.
        const retryable = !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
        if (!retryable) attempt.current = null;
        setCanRetrySame(retryable && attempt.current !== null);
        setError(serverErrorMessage(err));
      }
    });

  const retrySame = () => {
    const a = attempt.current;
    if (a) void pay(a.body);
  };

  const refresh = async () => {
    if (!payment) return;
    const d = await paymentsApi.get(payment.id);
    // A late poll answer never undoes a newer state (from 立即查询 or 取消收款).
    setPayment((cur) => (cur && cur.id === d.payment.id && d.payment.updatedAt >= cur.updatedAt ? d.payment : cur));
  };
  usePolling(refresh, 1500, isWaiting(payment), payment?.id ?? '');

  // Back on the screen (a reload, a crash of the counter PC): pick up the payment still waiting, if it is.
  useEffect(() => {
    if (!left) return;
    let live = true;
    paymentsApi
      .get(left.id)
      .then((d) => {
        if (!live || !isWaiting(d.payment)) return;
        order.current = { id: d.payment.orderId, body: JSON.stringify({ amountFen: d.payment.amountFen }), created: true };
        setAmountText(fenToYuanString(d.payment.amountFen).replace(/\.00$/, ''));
        setPayment(d.payment);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [left]);

  const queryNow = () =>
    guard(async () => {
      if (!payment) return;
      try {
        const p = await paymentsApi.queryNow(payment.id);
        setPayment(p);
      } catch (err) {
        setError(serverErrorMessage(err));
      }
    });

  const cancel = () => {
    if (!payment) return;
    modal.confirm({
      title: t('cashier.cancelConfirmTitle'),
      content: t('cashier.cancelConfirmBody'),
      okText: t('cashier.cancelPayment'),
      okButtonProps: { danger: true, size: 'large', ...({ 'data-testid': 'cancel-confirm' } as object) },
      cancelText: t('cashier.keepWaiting'),
      cancelButtonProps: { size: 'large' },
      onOk: () =>
        guard(async () => {
          try {
            setPayment(await paymentsApi.cancel(payment.id));
          } catch (err) {
            setError(serverErrorMessage(err));
            // It may have been paid meanwhile: show what the server knows.
            await refresh().catch(() => undefined);
          }
        }),
    });
  };

  /** Back to taking payment for the same sale (after a failure, expiry or cancel). */
  const retryPayment = () => {
    setPayment(null);
    setError(null);
  };

  const nextOrder = () => {
    setPayment(null);
    setError(null);
    setCanRetrySame(false);
    setAmountText('');
    setTenderedText('');
    setLines([]);
    setTarget('amount');
    order.current = null;
    attempt.current = null;
  };

  const press = (key: KeypadKey) => {
    if (locked) return;
    setError(null);
    if (mode === 'cash' && target === 'tendered') setTenderedText((v) => pressKey(v, key));
    else setAmountText((v) => pressKey(v, key));
  };

  const submitCash = () => {
    if (totalFen <= 0) {
      setError(t('cashier.needAmount'));
      return;
    }
    const given = tenderedText === '' ? totalFen : tenderedFen;
    if (given < totalFen) {
      setError(t('cashier.cashShort', { amount: formatFen(totalFen - given) }));
      return;
    }
    void pay({ flow: 'cash', tenderedFen: given });
  };

  const submitDynamic = () => void pay({ flow: 'dynamic_code', method: wallet });

  const onScan = (text: string) => {
    if (locked) return;
    const c = classifyPaymentCode(text);
    if (c.wallet === 'unsupported') {
      // A short number typed by hand into the scan field and confirmed with Enter is the amount.
      const fen = text.length <= 11 ? parseYuan(text) : null;
      if (fen !== null && fen > 0) {
        setError(null);
        setAmountText(fenToYuanString(fen).replace(/\.00$/, ''));
        return;
      }
      setError(t('cashier.codeUnsupported'));
      return;
    }
    if (totalFen <= 0) {
      setError(t('cashier.needAmountFirst'));
      return;
    }
    void pay({ flow: 'code_pay', authCode: c.code });
  };

  // The physical keyboard drives the keypad in the code and cash modes (in scan mode the scan field has the keys).
  useEffect(() => {
    if (payment || mode === 'scan') return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
      const k = keypadKeyOf(e);
      if (k) {
        e.preventDefault();
        press(k);
        return;
      }
      if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement) && !(e.target instanceof HTMLAnchorElement)) {
        e.preventDefault();
        if (mode === 'dynamic') submitDynamic();
        else if (target === 'amount') setTarget('tendered');
        else submitCash();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const openDisplay = () => {
    window.open(paymentUrls.display(station.id), `paydesk-display-${station.id}`, 'popup,width=1024,height=768');
  };

  const modeOptions = [
    { value: 'scan', label: t('cashier.mode.scan'), icon: <ScanOutlined /> },
    { value: 'dynamic', label: t('cashier.mode.dynamic'), icon: <QrcodeOutlined /> },
    { value: 'cash', label: t('cashier.mode.cash'), icon: <WalletOutlined /> },
  ];

  const amountBox = (
    <button
      type="button"
      tabIndex={-1}
      onMouseDown={(e) => e.preventDefault()}
      onClick={() => setTarget('amount')}
      style={{
        ...boxReset,
        background: '#fafafa',
        border: `2px solid ${mode === 'cash' && target === 'amount' ? '#1677ff' : '#f0f0f0'}`,
        borderRadius: 12,
        padding: '12px 16px',
        textAlign: 'end',
        cursor: 'default',
      }}
    >
      <Typography.Text type="secondary" style={{ fontSize: 16 }}>
        {t('cashier.total')}
      </Typography.Text>
      <span
        style={{ display: 'block', fontSize: 56, fontWeight: 700, lineHeight: 1.15, fontVariantNumeric: 'tabular-nums' }}
        data-testid="cashier-total"
      >
        {formatFen(totalFen)}
      </span>
      {lines.length > 0 && (
        <Typography.Text type="secondary" data-testid="cashier-breakdown">
          {t('cashier.breakdown', { lines: formatFen(linesFen), keyed: formatFen(keyedFen) })}
        </Typography.Text>
      )}
    </button>
  );

  const errorAlert = error && (
    <Alert
      type="error"
      showIcon
      title={<span style={{ fontSize: 18 }}>{error}</span>}
      data-testid="cashier-error"
      action={
        canRetrySame ? (
          <Button onClick={retrySame} data-testid="retry-same">
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );

  const choices = tenderChoices(totalFen);
  const changeFen = (tenderedText === '' ? totalFen : tenderedFen) - totalFen;

  return (
    <div data-testid="cashier-page">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Flex align="center" gap={12} wrap>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {t('cashier.title')}
          </Typography.Title>
          <Tag color="blue" style={{ fontSize: 16, padding: '4px 10px' }} data-testid="cashier-station">
            {station.name}
          </Tag>
          <Typography.Text style={{ fontSize: 16 }} data-testid="cashier-user">
            {t('cashier.operator', { name: userName })}
          </Typography.Text>
        </Flex>
        <Flex gap={8} wrap>
          <Button size="large" icon={<DesktopOutlined />} onClick={openDisplay} data-testid="open-display">
            {t('cashier.openDisplay')}
          </Button>
          <Button size="large" icon={<UnorderedListOutlined />} onClick={() => navigate('/records')}>
            {t('nav.records')}
          </Button>
        </Flex>
      </Flex>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card styles={{ body: { display: 'flex', flexDirection: 'column', gap: 12 } }}>
            {amountBox}
            <Keypad onPress={press} disabled={locked} />
            <Collapse
              size="small"
              items={[
                {
                  key: 'lines',
                  label: t('cashier.linesTitle', { count: lines.length }),
                  children: <LinesEditor lines={lines} onChange={setLines} disabled={locked} />,
                },
              ]}
              data-testid="lines-toggle"
            />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          {payment ? (
            <Flex vertical gap={12}>
              {errorAlert}
              <ResultPanel
                payment={payment}
                busy={busy}
                onQuery={() => void queryNow()}
                onCancel={cancel}
                onRetry={retryPayment}
                onNext={nextOrder}
              />
            </Flex>
          ) : (
            <Card styles={{ body: { display: 'flex', flexDirection: 'column', gap: 16 } }}>
              <Segmented
                block
                size="large"
                value={mode}
                options={modeOptions.map((o) => ({
                  value: o.value,
                  label: (
                    <div style={{ padding: '10px 0', fontSize: 20 }} data-testid={`mode-${o.value}`}>
                      {o.icon} {o.label}
                    </div>
                  ),
                }))}
                onChange={(v) => {
                  setMode(v as Mode);
                  setError(null);
                  setTarget(v === 'cash' && totalFen > 0 ? 'tendered' : 'amount');
                }}
              />

              {errorAlert}

              {mode === 'scan' && (
                <Flex vertical gap={8}>
                  <Typography.Text style={{ fontSize: 18 }}>{t('cashier.scanIntro')}</Typography.Text>
                  <ScanField onScan={onScan} onEmptyKey={(k) => press(k === 'Backspace' ? '⌫' : 'C')} />
                  <Typography.Text type="secondary">{t('cashier.scanHelp')}</Typography.Text>
                  {busy && <Alert type="info" showIcon title={t('cashier.charging')} data-testid="cashier-charging" />}
                </Flex>
              )}

              {mode === 'dynamic' && (
                <Flex vertical gap={12}>
                  <Typography.Text style={{ fontSize: 18 }}>{t('cashier.dynamicIntro')}</Typography.Text>
                  <Segmented
                    size="large"
                    value={wallet}
                    options={[
                      { value: 'wechatpay', label: <span data-testid="wallet-wechatpay">{t('pay.method.wechatpay')}</span> },
                      { value: 'alipay', label: <span data-testid="wallet-alipay">{t('pay.method.alipay')}</span> },
                    ]}
                    onChange={(v) => setWallet(v as WalletMethod)}
                  />
                  <Button
                    type="primary"
                    size="large"
                    icon={<QrcodeOutlined />}
                    loading={busy}
                    disabled={totalFen <= 0}
                    onClick={submitDynamic}
                    style={{ height: 72, fontSize: 24 }}
                    data-testid="show-code"
                  >
                    {t('cashier.showCode', { amount: formatFen(totalFen) })}
                  </Button>
                </Flex>
              )}

              {mode === 'cash' && (
                <Flex vertical gap={12}>
                  <button
                    type="button"
                    tabIndex={-1}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => setTarget('tendered')}
                    style={{
                      ...boxReset,
                      background: '#fff',
                      border: `2px solid ${target === 'tendered' ? '#1677ff' : '#f0f0f0'}`,
                      borderRadius: 12,
                      padding: '10px 16px',
                      textAlign: 'end',
                    }}
                    data-testid="tendered-box"
                  >
                    <Typography.Text type="secondary" style={{ fontSize: 16 }}>
                      {t('cashier.tenderedPrompt')}
                    </Typography.Text>
                    <span
                      style={{ display: 'block', fontSize: 40, fontWeight: 700, fontVariantNumeric: 'tabular-nums' }}
                      data-testid="tendered-amount"
                    >
                      {tenderedText === '' ? formatFen(totalFen) : formatFen(tenderedFen)}
                    </span>
                  </button>
                  <Flex gap={8} wrap>
                    {choices.map((fen) => (
                      <Button
                        key={fen}
                        size="large"
                        style={{ flex: '1 1 100px', height: 56, fontSize: 20 }}
                        onMouseDown={(e) => e.preventDefault()}
                        onClick={() => {
                          setTenderedText(fenToYuanString(fen).replace(/\.00$/, ''));
                          setTarget('tendered');
                        }}
                        disabled={totalFen <= 0}
                        data-testid="tender-choice"
                      >
                        {fen === totalFen ? t('cashier.exact') : formatFen(fen)}
                      </Button>
                    ))}
                  </Flex>
                  <div style={{ textAlign: 'center' }}>
                    <Typography.Text style={{ fontSize: 20 }}>{changeFen >= 0 ? t('cashier.change') : t('cashier.short')}</Typography.Text>
                    <div
                      style={{
                        fontSize: 56,
                        fontWeight: 700,
                        color: changeFen >= 0 ? '#237804' : '#cf1322',
                        fontVariantNumeric: 'tabular-nums',
                      }}
                      data-testid="cash-change"
                    >
                      {formatFen(Math.abs(changeFen))}
                    </div>
                  </div>
                  <Button
                    type="primary"
                    size="large"
                    loading={busy}
                    disabled={totalFen <= 0}
                    onClick={submitCash}
                    style={{ height: 72, fontSize: 24 }}
                    data-testid="cash-submit"
                  >
                    {t('cashier.cashSubmit', { amount: formatFen(totalFen) })}
                  </Button>
                </Flex>
              )}
            </Card>
          )}
        </Col>
      </Row>
    </div>
  );
}
