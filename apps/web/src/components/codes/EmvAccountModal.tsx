import type { FormRule } from 'antd';
import { Form, Input, Modal, Select, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints.ts';
import type { Store, UnionpayEmvBody } from '../../api/types.ts';
import { FormError, serverErrorMessage, useSubmit } from '../forms.tsx';
import { testIdProps } from '../NameModal.tsx';
import { digitsOnly, textRule } from '../rules.ts';

interface EmvValues {
  storeId: string;
  acquirerIin: string;
  merchantNo: string;
  mcc: string;
  nameLatin: string;
  city: string;
}

const FIELDS = ['storeId', 'acquirerIin', 'merchantNo', 'mcc', 'nameLatin', 'city'];
const ALL = '';

function digitsRule(t: TFunction, n: number): FormRule {
  return {
    validator: (_r, v: unknown) =>
      typeof v === 'string' && new RegExp(`^\\d{${n}}$`).test(v) ? Promise.resolve() : Promise.reject(new Error(t('emv.digits', { n }))),
  };
}

function latinRule(t: TFunction): FormRule {
  return {
    validator: (_r, v: unknown) => {
      const value = typeof v === 'string' ? v.trim() : '';
      return /^[\x20-\x7e]{1,25}$/.test(value) ? Promise.resolve() : Promise.reject(new Error(t('emv.latin')));
    },
  };
}

/** The UnionPay / EMVCo merchant account EMVCo codes carry (PUT /api/channels/unionpay-emv, owner only). */
export function EmvAccountModal(props: { open: boolean; stores: Store[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EmvValues>();
  const { busy, run } = useSubmit();
  const [error, setError] = useState<string | null>(null);
  const { open } = props;

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue({ storeId: ALL });
  }, [open, form]);

  const onOk = () =>
    run(async () => {
      let v: EmvValues;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const body: UnionpayEmvBody = {
        storeId: v.storeId === ALL ? null : v.storeId,
        acquirerIin: v.acquirerIin,
        merchantNo: v.merchantNo,
        mcc: v.mcc,
        nameLatin: v.nameLatin.trim(),
        city: v.city.trim(),
      };
      setError(null);
      try {
        await api.saveUnionpayEmv(body);
        props.onSaved();
        props.onClose();
      } catch (err) {
        setError(serverErrorMessage(err, form, FIELDS));
      }
    });

  return (
    <Modal
      open={open}
      title={t('emv.title')}
      onCancel={props.onClose}
      onOk={() => void onOk()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ size: 'large', ...testIdProps('emv-save') }}
      cancelButtonProps={{ size: 'large' }}
      forceRender
    >
      <Typography.Paragraph type="secondary">{t('emv.intro')}</Typography.Paragraph>
      <Form form={form} name="emv-account" layout="vertical" size="large" onValuesChange={() => setError(null)}>
        <Form.Item name="storeId" label={t('emv.scope')}>
          <Select
            options={[{ value: ALL, label: t('emv.scopeAll') }, ...props.stores.map((s) => ({ value: s.id, label: s.name }))]}
            data-testid="emv-store"
          />
        </Form.Item>
        <Form.Item
          name="acquirerIin"
          label={t('emv.acquirerIin')}
          extra={t('emv.acquirerIinHint')}
          rules={[digitsRule(t, 8)]}
          getValueFromEvent={digitsOnly(8)}
          required
        >
          <Input inputMode="numeric" maxLength={8} data-testid="emv-acquirer" />
        </Form.Item>
        <Form.Item
          name="merchantNo"
          label={t('emv.merchantNo')}
          extra={t('emv.merchantNoHint')}
          rules={[digitsRule(t, 15)]}
          getValueFromEvent={digitsOnly(15)}
          required
        >
          <Input inputMode="numeric" maxLength={15} data-testid="emv-merchant-no" />
        </Form.Item>
        <Form.Item
          name="mcc"
          label={t('emv.mcc')}
          extra={t('emv.mccHint')}
          rules={[digitsRule(t, 4)]}
          getValueFromEvent={digitsOnly(4)}
          required
        >
          <Input inputMode="numeric" maxLength={4} data-testid="emv-mcc" />
        </Form.Item>
        <Form.Item name="nameLatin" label={t('emv.nameLatin')} extra={t('emv.nameLatinHint')} rules={[latinRule(t)]} required>
          <Input maxLength={25} data-testid="emv-name-latin" />
        </Form.Item>
        <Form.Item name="city" label={t('emv.city')} extra={t('emv.cityHint')} rules={[textRule(t, 15)]} required>
          <Input maxLength={15} data-testid="emv-city" />
        </Form.Item>
        <FormError message={error} />
      </Form>
    </Modal>
  );
}
