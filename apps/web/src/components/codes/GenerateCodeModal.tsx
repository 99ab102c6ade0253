import { parseYuan } from '@paydesk/domain';
import type { FormRule } from 'antd';
import { Alert, Button, Form, Input, InputNumber, Modal, Radio, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, createIdempotencyKeeper, isDefiniteRefusal } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { Code, GenerateCodeBody, Station, Store } from '../../api/types.ts';
import { FormError, serverErrorMessage, useSubmit } from '../forms.tsx';
import { testIdProps } from '../NameModal.tsx';
import { defaultStoreId, PlacementFields } from './PlacementFields.tsx';

type GenKind = 'static' | 'dynamic' | 'emvco';

interface GenValues {
  storeId?: string;
  stationId?: string;
  kind: GenKind;
  validDays?: number | null;
  amount?: string;
  expiresInMinutes?: number | null;
}

const FIELDS = ['storeId', 'stationId', 'kind', 'validDays', 'amount', 'expiresInMinutes'];
const RENAME = { amountFen: 'amount' };

function amountRule(t: TFunction, required: boolean): FormRule {
  return {
    validator: (_r, raw: unknown) => {
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (text === '' && !required) return Promise.resolve();
      const fen = parseYuan(text);
      return fen !== null && fen > 0 ? Promise.resolve() : Promise.reject(new Error(t('generate.amountInvalid')));
    },
  };
}

function rangeRule(message: string, min: number, max: number): FormRule {
  return {
    validator: (_r, v: unknown) =>
      v === null || v === undefined || (Number.isInteger(v) && (v as number) >= min && (v as number) <= max)
        ? Promise.resolve()
        : Promise.reject(new Error(message)),
  };
}

/** 生成收款码: a static shop code, a dynamic code for an amount, or a UnionPay EMVCo code. */
export function GenerateCodeModal(props: {
  open: boolean;
  stores: Store[];
  stations: Station[];
  fixedStoreId: string | null;
  /** Owners may set the UnionPay/EMV account the EMVCo code needs. */
  canSetEmv: boolean;
  onSetEmv: () => void;
  /** Changes each time the UnionPay/EMV account is saved: the "missing" warning then goes. */
  emvSaved: number;
  onClose: () => void;
  onDone: (code: Code) => Promise<void> | void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<GenValues>();
  const { busy, run } = useSubmit();
  const keeper = useRef(createIdempotencyKeeper());
  const [error, setError] = useState<string | null>(null);
  const [emvMissing, setEmvMissing] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form) ?? 'static';
  const amount = Form.useWatch('amount', form);
  const { open, stores, fixedStoreId } = props;
  // Read when the modal opens; a list reloading behind an open modal must not reset it.
  const initialStore = useRef<string | undefined>(undefined);
  initialStore.current = defaultStoreId(stores, fixedStoreId);

  useEffect(() => {
    if (!open) return;
    keeper.current.reset();
    setError(null);
    setEmvMissing(null);
    form.resetFields();
    form.setFieldsValue({ kind: 'static', storeId: initialStore.current, validDays: 365, expiresInMinutes: 5 });
  }, [open, form]);

  const onOk = () =>
    run(async () => {
      let v: GenValues;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const placement = { storeId: v.storeId ?? '', ...(v.stationId && { stationId: v.stationId }) };
      const fen = v.amount?.trim() ? parseYuan(v.amount) : null;
      const minutes = v.expiresInMinutes ?? 5;
      const days = v.validDays ?? 365;
      let body: GenerateCodeBody;
      if (v.kind === 'static') body = { kind: 'static', ...placement, validDays: days };
      else if (v.kind === 'dynamic') body = { kind: 'dynamic', ...placement, amountFen: fen ?? 0, expiresInMinutes: minutes };
      else if (fen !== null) body = { kind: 'emvco', ...placement, amountFen: fen, expiresInMinutes: minutes };
      else body = { kind: 'emvco', ...placement, validDays: days };
      setError(null);
      setEmvMissing(null);
      try {
        const code = await api.generateCode(body, keeper.current.keyFor(body));
        await props.onDone(code);
        props.onClose();
      } catch (err) {
        if (isDefiniteRefusal(err)) keeper.current.reset();
        if (err instanceof ApiError && err.code === 'EMV_ACCOUNT_MISSING') setEmvMissing(err.message);
        else setError(serverErrorMessage(err, form, FIELDS, RENAME));
      }
    });

  useEffect(() => {
    if (props.emvSaved > 0) setEmvMissing(null);
  }, [props.emvSaved]);

  const emvWithAmount = kind === 'emvco' && typeof amount === 'string' && amount.trim() !== '';
  const showDays = kind === 'static' || (kind === 'emvco' && !emvWithAmount);
  const showMinutes = kind === 'dynamic' || emvWithAmount;

  return (
    <Modal
      open={open}
      title={t('generate.title')}
      onCancel={props.onClose}
      onOk={() => void onOk()}
      okText={t('generate.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ size: 'large', ...testIdProps('gen-submit') }}
      cancelButtonProps={{ size: 'large' }}
      width={600}
      forceRender
    >
      <Form
        form={form}
        name="generate-code"
        layout="vertical"
        size="large"
        onValuesChange={() => {
          setError(null);
          setEmvMissing(null);
        }}
      >
        <PlacementFields
          form={form}
          stores={stores}
          stations={props.stations}
          fixedStoreId={fixedStoreId}
          labels={{ store: t('generate.store'), station: t('generate.station'), stationPlaceholder: t('generate.stationPlaceholder') }}
          testIdPrefix="gen"
        />
        <Form.Item name="kind" label={t('generate.type')}>
          <Radio.Group style={{ width: '100%' }} data-testid="gen-kind">
            {(['static', 'dynamic', 'emvco'] as const).map((k) => (
              <Radio key={k} value={k} style={{ display: 'flex', marginBottom: 8 }} data-testid={`gen-kind-${k}`}>
                <Typography.Text strong>{t(`generate.${k}`)}</Typography.Text>
                <br />
                <Typography.Text type="secondary">{t(`generate.${k}Desc`)}</Typography.Text>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        {kind !== 'static' && (
          <Form.Item
            name="amount"
            label={kind === 'dynamic' ? t('generate.amount') : t('generate.amountOptional')}
            extra={kind === 'emvco' ? t('generate.amountOptionalHint') : undefined}
            rules={[amountRule(t, kind === 'dynamic')]}
            required={kind === 'dynamic'}
          >
            <Input prefix="¥" inputMode="decimal" maxLength={16} data-testid="gen-amount" />
          </Form.Item>
        )}
        {showMinutes && (
          <Form.Item
            name="expiresInMinutes"
            label={t('generate.expiresInMinutes')}
            extra={t('generate.expiresHint')}
            rules={[rangeRule(t('generate.minutesRange'), 1, 120)]}
          >
            <InputNumber min={1} max={120} precision={0} style={{ width: 200 }} data-testid="gen-minutes" />
          </Form.Item>
        )}
        {showDays && (
          <Form.Item
            name="validDays"
            label={t('generate.validDays')}
            extra={t('generate.validDaysHint')}
            rules={[rangeRule(t('generate.daysRange'), 1, 3650)]}
          >
            <InputNumber min={1} max={3650} precision={0} style={{ width: 200 }} data-testid="gen-days" />
          </Form.Item>
        )}
        <FormError message={error} />
        {emvMissing && (
          <Alert
            type="warning"
            showIcon
            title={emvMissing}
            description={props.canSetEmv ? undefined : t('generate.emvOwnerOnly')}
            action={
              props.canSetEmv && (
                <Button onClick={props.onSetEmv} data-testid="gen-set-emv">
                  {t('generate.setEmv')}
                </Button>
              )
            }
            data-testid="gen-emv-missing"
          />
        )}
      </Form>
    </Modal>
  );
}
