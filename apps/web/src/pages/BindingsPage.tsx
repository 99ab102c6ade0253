import { type BindingMethod, bindingMethods, checkMerchantNo, methodsForProvider } from '@paydesk/domain';
import type { FormRule } from 'antd';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Popconfirm,
  Radio,
  Result,
  Select,
  Skeleton,
  Steps,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, createIdempotencyKeeper, isDefiniteRefusal } from '../api/client.ts';
import { api, codeUrls } from '../api/endpoints.ts';
import type { Binding, BindingInput, BindingPreview, Code } from '../api/types.ts';
import {
  amountLabel,
  bindingLabel,
  type Places,
  placeLabel,
  providerKindLabel,
  providerLabel,
  stationName,
  storeName,
  useStaffNames,
  VerifiedTag,
} from '../components/codes/display.tsx';
import { TestPaymentButton } from '../components/codes/TestPaymentButton.tsx';
import { formatTime } from '../components/format.ts';
import { FormError, serverErrorMessage, useSubmit } from '../components/forms.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { useLoad } from '../components/useLoad.ts';
import { useRequiredSession } from '../session/SessionContext.tsx';

const WHOLE_STORE = '';

interface PlaceValues {
  stationId: string;
  method: BindingMethod;
  merchantNo: string;
}

function merchantNoRule(t: TFunction): FormRule {
  return ({ getFieldValue }) => ({
    validator: (_r, raw: unknown) => {
      const method = getFieldValue('method') as BindingMethod;
      const value = typeof raw === 'string' ? raw : '';
      if (value.trim() === '' && method !== 'all') return Promise.reject(new Error(t('validation.required')));
      return checkMerchantNo(method, value).ok ? Promise.resolve() : Promise.reject(new Error(t(`bindings.invalid.${method}`)));
    },
  });
}

/** The server's reason a code and a method do not go together, in words. */
function mismatchReason(t: TFunction, err: ApiError): string | null {
  const provider = err.detail?.provider;
  const allowed = err.detail?.allowed;
  if (typeof provider !== 'string' || !Array.isArray(allowed)) return null;
  return t('bindings.mismatchReason', {
    provider: t(`provider.${provider}`, { defaultValue: provider }),
    allowed: allowed.map((m) => t(`method.${String(m)}`, { defaultValue: String(m) })).join('、'),
  });
}

/** 绑定收款码: a three-step wizard (code → place, method, merchant number → review) and the list of bindings. */
export function BindingsPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const nameOf = useStaffNames(session);
  const [searchParams] = useSearchParams();
  const presetCodeId = searchParams.get('codeId');

  const loaded = useLoad(async () => {
    const [codes, bindings, stores, stations] = await Promise.all([api.codes(), api.bindings(), api.stores(), api.stations()]);
    return { codes: codes.items, bindings: bindings.items, stores: stores.items, stations: stations.items };
  });
  const places: Places = useMemo(() => ({ stores: loaded.data?.stores ?? [], stations: loaded.data?.stations ?? [] }), [loaded.data]);

  return (
    <div data-testid="bindings-page">
      <Typography.Title level={2} style={{ marginTop: 0, marginBottom: 8 }}>
        {t('bindings.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('bindings.intro')}</Typography.Paragraph>
      {loaded.error && <LoadError message={loaded.error} onRetry={() => void loaded.reload()} />}
      <Card style={{ marginBottom: 24 }}>
        {loaded.loading && !loaded.data ? (
          <Skeleton active />
        ) : (
          <BindWizard codes={loaded.data?.codes ?? []} places={places} presetCodeId={presetCodeId} onBound={() => loaded.reload()} />
        )}
      </Card>
      <BindingList
        bindings={loaded.data?.bindings ?? []}
        codes={loaded.data?.codes ?? []}
        places={places}
        loading={loaded.loading && !loaded.data}
        nameOf={nameOf}
        onChanged={() => loaded.reload()}
      />
    </div>
  );
}

function BindWizard(props: { codes: Code[]; places: Places; presetCodeId: string | null; onBound: () => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { places } = props;
  const [form] = Form.useForm<PlaceValues>();
  const { busy, run } = useSubmit();
  const keeper = useRef(createIdempotencyKeeper());
  const active = useMemo(() => props.codes.filter((c) => c.status === 'active'), [props.codes]);
  const preset = active.find((c) => c.id === props.presetCodeId) ?? null;
  const [step, setStep] = useState(preset ? 1 : 0);
  const [codeId, setCodeId] = useState<string | null>(preset?.id ?? null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [pending, setPending] = useState<BindingInput | null>(null);
  const [preview, setPreview] = useState<BindingPreview | null>(null);
  const [bound, setBound] = useState<{ binding: Binding; preview: BindingPreview } | null>(null);
  const method = Form.useWatch('method', form);
  // The chosen code as last listed; kept while the list reloads.
  const code = props.codes.find((c) => c.id === codeId) ?? null;
  const allowed = code ? methodsForProvider(code.provider) : bindingMethods;

  // Entering step ② for a code fills in its defaults: its own station, the first method it takes.
  const startPlace = (c: Code) => {
    setError(null);
    form.resetFields();
    form.setFieldsValue({ stationId: c.stationId ?? WHOLE_STORE, method: methodsForProvider(c.provider)[0] ?? 'all', merchantNo: '' });
    setStep(1);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: only for the code preselected on arrival
  useEffect(() => {
    if (preset) startPlace(preset);
  }, [preset?.id]);

  const body = (v: PlaceValues): BindingInput | null =>
    code
      ? {
          codeId: code.id,
          storeId: code.storeId,
          stationId: v.stationId === WHOLE_STORE ? null : v.stationId,
          method: v.method,
          merchantNo: v.merchantNo.trim(),
        }
      : null;

  const toPlace = () => {
    if (!code) {
      setCodeError(t('bindings.codeRequired'));
      return;
    }
    startPlace(code);
  };

  const toReview = () =>
    run(async () => {
      let v: PlaceValues;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const b = body(v);
      if (!b) return;
      setError(null);
      setConfirmError(null);
      try {
        setPreview(await api.previewBinding(b));
        setPending(b);
        setStep(2);
      } catch (err) {
        const message = serverErrorMessage(err, form, ['stationId', 'method', 'merchantNo']);
        const reason = err instanceof ApiError && err.code === 'BINDING_METHOD_MISMATCH' ? mismatchReason(t, err) : null;
        setError(reason ? `${message}：${reason}` : message);
        if (err instanceof ApiError && err.code === 'CODE_NOT_ACTIVE') await props.onBound();
      }
    });

  const confirm = () =>
    run(async () => {
      const b = pending;
      if (!preview || !b) return;
      setConfirmError(null);
      try {
        const binding = await api.createBinding(b, keeper.current.keyFor(b));
        setBound({ binding, preview });
        setStep(3);
        await props.onBound();
      } catch (err) {
        if (isDefiniteRefusal(err)) keeper.current.reset();
        const message = serverErrorMessage(err);
        const reason = err instanceof ApiError && err.code === 'BINDING_METHOD_MISMATCH' ? mismatchReason(t, err) : null;
        setConfirmError(reason ? `${message}：${reason}` : message);
      }
    });

  const restart = () => {
    keeper.current.reset();
    setPreview(null);
    setPending(null);
    setBound(null);
    setError(null);
    setConfirmError(null);
    setCodeId(null);
    form.resetFields();
    setStep(0);
    if (props.presetCodeId) navigate('/bindings', { replace: true });
  };

  const stationsOfCode = code ? places.stations.filter((s) => s.storeId === code.storeId) : [];

  return (
    <div data-testid="bind-wizard">
      <Steps
        current={Math.min(step, 2)}
        status={step === 3 ? 'finish' : 'process'}
        items={[{ title: t('bindings.stepCode') }, { title: t('bindings.stepPlace') }, { title: t('bindings.stepReview') }]}
        style={{ marginBottom: 24 }}
        data-testid="bind-steps"
      />

      {step === 0 && (
        <div data-testid="bind-step-code">
          <Typography.Paragraph strong>{t('bindings.pickCode')}</Typography.Paragraph>
          {active.length === 0 ? (
            <Empty description={t('bindings.noActiveCodes')}>
              <Button type="primary" size="large" onClick={() => navigate('/codes')}>
                {t('bindings.goCodes')}
              </Button>
            </Empty>
          ) : (
            <Radio.Group
              value={codeId}
              onChange={(e) => {
                setCodeId(e.target.value as string);
                setCodeError(null);
              }}
              style={{ width: '100%' }}
            >
              <Flex vertical gap={8}>
                {active.map((c) => (
                  <Radio
                    key={c.id}
                    value={c.id}
                    style={{
                      alignItems: 'center',
                      padding: 8,
                      border: `1px solid ${codeId === c.id ? '#1677ff' : '#f0f0f0'}`,
                      borderRadius: 8,
                      width: '100%',
                    }}
                  >
                    <Flex gap={12} align="center" wrap data-testid="bind-code-option">
                      <img src={codeUrls.qr(c.id, 128)} alt="" width={56} height={56} style={{ imageRendering: 'pixelated' }} />
                      <Flex vertical>
                        <Typography.Text strong>
                          {c.serial} · {providerLabel(t, c)}
                          {providerKindLabel(t, c) && ` · ${providerKindLabel(t, c)}`}
                        </Typography.Text>
                        <Typography.Text type="secondary">
                          {placeLabel(t, places, c.storeId, c.stationId)} · {amountLabel(t, c)} ·{' '}
                          {t('codes.expiresAt', { time: formatTime(c.expiresAt, i18n.language) })}
                        </Typography.Text>
                      </Flex>
                    </Flex>
                  </Radio>
                ))}
              </Flex>
            </Radio.Group>
          )}
          {codeError && <Alert type="error" showIcon title={codeError} style={{ marginTop: 16 }} data-testid="form-error" />}
          <Flex justify="flex-end" style={{ marginTop: 16 }}>
            <Button type="primary" size="large" onClick={toPlace} disabled={active.length === 0} data-testid="bind-to-place">
              {t('bindings.next')}
            </Button>
          </Flex>
        </div>
      )}

      {/* Mounted throughout so the form keeps its values while the review is shown. */}
      <div data-testid="bind-step-place" style={{ display: step === 1 && code ? undefined : 'none' }}>
        {code && (
          <>
            <Form
              form={form}
              name="bind-place"
              layout="vertical"
              size="large"
              onValuesChange={() => setError(null)}
              style={{ maxWidth: 640 }}
            >
              <Form.Item label={t('bindings.code')}>
                <Typography.Text strong data-testid="bind-chosen-code">
                  {code.serial} · {providerLabel(t, code)}
                  {providerKindLabel(t, code) && ` · ${providerKindLabel(t, code)}`}
                </Typography.Text>
              </Form.Item>
              <Form.Item label={t('bindings.store')} extra={t('bindings.storeFixed')}>
                <Input value={storeName(places, code.storeId)} disabled data-testid="bind-store" />
              </Form.Item>
              <Form.Item name="stationId" label={t('bindings.station')}>
                <Select
                  options={[
                    { value: WHOLE_STORE, label: t('bindings.wholeStore') },
                    ...stationsOfCode.map((s) => ({ value: s.id, label: s.name })),
                  ]}
                  data-testid="bind-station"
                />
              </Form.Item>
              <Form.Item
                name="method"
                label={t('bindings.method')}
                extra={t('bindings.methodFor', { methods: allowed.map((m) => t(`method.${m}`)).join('、') })}
              >
                <Radio.Group optionType="button" buttonStyle="solid" data-testid="bind-method">
                  {bindingMethods.map((m) => (
                    <Radio.Button key={m} value={m} data-testid={`bind-method-${m}`}>
                      {t(`method.${m}`)}
                    </Radio.Button>
                  ))}
                </Radio.Group>
              </Form.Item>
              {method && !allowed.includes(method) && (
                <Alert
                  type="warning"
                  showIcon
                  title={t('bindings.methodNotFor', { provider: providerLabel(t, code), method: t(`method.${method}`) })}
                  style={{ marginBottom: 16 }}
                  data-testid="bind-method-warning"
                />
              )}
              <Form.Item
                name="merchantNo"
                label={method === 'all' ? t('bindings.merchantNoOptional') : t('bindings.merchantNo')}
                extra={<span data-testid="bind-merchant-hint">{t(`bindings.hint.${method ?? 'all'}`)}</span>}
                rules={[merchantNoRule(t)]}
                dependencies={['method']}
                required={method !== 'all'}
              >
                <Input maxLength={32} autoComplete="off" inputMode={method === 'all' ? 'text' : 'numeric'} data-testid="bind-merchant-no" />
              </Form.Item>
              <FormError message={error} />
            </Form>
            <Flex justify="space-between" style={{ marginTop: 16, maxWidth: 640 }}>
              <Button size="large" onClick={() => setStep(0)} data-testid="bind-back-to-code">
                {t('bindings.prev')}
              </Button>
              <Button type="primary" size="large" onClick={() => void toReview()} loading={busy} data-testid="bind-to-review">
                {t('bindings.next')}
              </Button>
            </Flex>
          </>
        )}
      </div>

      {step === 2 && preview && (
        <div data-testid="bind-step-review" style={{ maxWidth: 720 }}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('bindings.reviewTitle')}
          </Typography.Title>
          <Flex gap={16} align="flex-start" wrap>
            <img
              src={codeUrls.qr(preview.code.id, 256)}
              alt={t('codeDrawer.qrAlt', { serial: preview.code.serial })}
              width={160}
              height={160}
              style={{ border: '1px solid #f0f0f0', borderRadius: 8, imageRendering: 'pixelated' }}
            />
            <Descriptions column={1} bordered size="middle" style={{ flex: 1, minWidth: 320 }} data-testid="bind-review">
              <Descriptions.Item label={t('bindings.code')}>
                {preview.code.serial} · {providerLabel(t, preview.code)}
                {providerKindLabel(t, preview.code) && ` · ${providerKindLabel(t, preview.code)}`}
              </Descriptions.Item>
              <Descriptions.Item label={t('bindings.store')}>{preview.storeName}</Descriptions.Item>
              <Descriptions.Item label={t('bindings.station')}>{preview.stationName ?? t('bindings.wholeStore')}</Descriptions.Item>
              <Descriptions.Item label={t('bindings.method')}>{t(`method.${preview.method}`)}</Descriptions.Item>
              <Descriptions.Item label={t('bindings.merchantNo')}>
                <span data-testid="bind-review-merchant-no">{preview.merchantNo || t('common.none')}</span>
              </Descriptions.Item>
            </Descriptions>
          </Flex>
          {preview.replaces ? (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 16 }}
              title={
                <span data-testid="bind-replaces">
                  {t('bindings.replaces', {
                    serial: props.codes.find((c) => c.id === preview.replaces?.codeId)?.serial ?? preview.replaces.codeId,
                    method: t(`method.${preview.replaces.method}`),
                    merchantNo: preview.replaces.merchantNo || t('common.none'),
                    time: formatTime(preview.replaces.createdAt, i18n.language),
                  })}
                </span>
              }
              description={t('bindings.replacesHint')}
            />
          ) : (
            <Alert
              type="info"
              showIcon
              style={{ marginTop: 16 }}
              title={t('bindings.replacesNone', { method: t(`method.${preview.method}`) })}
              data-testid="bind-replaces-none"
            />
          )}
          <div style={{ marginTop: 16 }}>
            <FormError message={confirmError} />
          </div>
          <Flex justify="space-between" style={{ marginTop: 16 }}>
            <Button size="large" onClick={() => setStep(1)} disabled={busy} data-testid="bind-back-to-place">
              {t('bindings.prev')}
            </Button>
            <Button type="primary" size="large" onClick={() => void confirm()} loading={busy} data-testid="bind-confirm">
              {t('bindings.confirm')}
            </Button>
          </Flex>
        </div>
      )}

      {step === 3 && bound && (
        <Result
          status="success"
          title={<span data-testid="bind-done">{t('bindings.doneTitle')}</span>}
          subTitle={t('bindings.doneDesc', {
            serial: bound.preview.code.serial,
            place: `${bound.preview.storeName} · ${bound.preview.stationName ?? t('bindings.wholeStore')}`,
            method: t(`method.${bound.binding.method}`),
          })}
          extra={[
            <Button key="again" type="primary" size="large" onClick={restart} data-testid="bind-again">
              {t('bindings.again')}
            </Button>,
            <Button key="codes" size="large" onClick={() => navigate('/codes')} data-testid="bind-view-codes">
              {t('bindings.viewCodes')}
            </Button>,
          ]}
        />
      )}
    </div>
  );
}

function BindingList(props: {
  bindings: Binding[];
  codes: Code[];
  places: Places;
  loading: boolean;
  nameOf: (userId: string | null) => string | null;
  onChanged: () => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [retiring, setRetiring] = useState<string | null>(null);
  const { places, nameOf } = props;
  const serialOf = (codeId: string) => props.codes.find((c) => c.id === codeId)?.serial ?? codeId;
  const byAt = (who: string | null, at: number | null) => {
    if (at === null) return t('common.none');
    const name = nameOf(who);
    const time = formatTime(at, i18n.language);
    return name ? t('bindings.byAt', { name, time }) : time;
  };

  const retire = async (b: Binding) => {
    if (retiring) return;
    setRetiring(b.id);
    try {
      await api.retireBinding(b.id);
      message.success(t('bindings.retiredOk'));
      await props.onChanged();
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setRetiring(null);
    }
  };

  return (
    <Card title={t('bindings.list')}>
      <Table<Binding>
        rowKey="id"
        loading={props.loading}
        dataSource={props.bindings}
        pagination={props.bindings.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        scroll={{ x: 960 }}
        locale={{ emptyText: t('bindings.listEmpty') }}
        onRow={(b) => ({ 'data-testid': 'binding-row', 'data-status': b.status }) as object}
        columns={[
          {
            title: t('bindings.colCode'),
            key: 'code',
            width: 110,
            render: (_v, b) => (
              <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
                {serialOf(b.codeId)}
              </Typography.Text>
            ),
          },
          {
            title: t('bindings.colPlace'),
            key: 'place',
            width: 160,
            render: (_v, b) => (
              <Flex vertical>
                <span>{storeName(places, b.storeId)}</span>
                <Typography.Text type="secondary">{stationName(t, places, b.stationId)}</Typography.Text>
              </Flex>
            ),
          },
          { title: t('bindings.colMethod'), key: 'method', width: 100, render: (_v, b) => t(`method.${b.method}`) },
          {
            title: t('bindings.colMerchantNo'),
            key: 'merchantNo',
            width: 140,
            render: (_v, b) => <span data-testid="binding-merchant-no">{b.merchantNo || t('common.none')}</span>,
          },
          {
            title: t('bindings.colStatus'),
            key: 'status',
            width: 140,
            render: (_v, b) => (
              <Flex gap={4} wrap>
                <Tag color={b.status === 'active' ? 'success' : 'default'} data-testid="binding-status">
                  {b.status === 'active' ? t('bindings.active') : t('bindings.retired')}
                </Tag>
                {b.status === 'active' && <VerifiedTag verified={b.verified} />}
              </Flex>
            ),
          },
          {
            title: t('bindings.colHistory'),
            key: 'history',
            width: 230,
            render: (_v, b) => (
              <Flex vertical>
                <span data-testid="binding-created">{t('bindings.createdLine', { text: byAt(b.createdBy, b.createdAt) })}</span>
                {b.retiredAt !== null && (
                  <Typography.Text type="secondary" data-testid="binding-retired">
                    {t('bindings.retiredLine', { text: byAt(b.retiredBy, b.retiredAt) })}
                  </Typography.Text>
                )}
              </Flex>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            fixed: 'right',
            width: 180,
            render: (_v, b) =>
              b.status === 'active' ? (
                <Flex gap={4}>
                  <TestPaymentButton bindingId={b.id} verified={b.verified} onVerified={() => void props.onChanged()} />
                  <Popconfirm
                    title={t('bindings.confirmRetire')}
                    description={`${serialOf(b.codeId)} · ${placeLabel(t, places, b.storeId, b.stationId)} · ${bindingLabel(t, b)}`}
                    okText={t('bindings.retire')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => retire(b)}
                  >
                    <Button size="small" danger loading={retiring === b.id} data-testid="binding-retire">
                      {t('bindings.retire')}
                    </Button>
                  </Popconfirm>
                </Flex>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}
