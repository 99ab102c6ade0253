import { normalizeEmail, normalizeMobile, type Role } from '@paydesk/domain';
import { Form, Input, Modal, Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createIdempotencyKeeper } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { NewStaffBody, Staff, StaffPatch, Store } from '../api/types.ts';
import { FormError, serverErrorMessage, useSubmit } from './forms.tsx';
import { testIdProps } from './NameModal.tsx';
import { digitsOnly, emailRule, mobileRule, passwordRule, pinRule, textRule } from './rules.ts';

interface StaffValues {
  name: string;
  phone: string;
  email?: string;
  role: Role;
  storeId?: string;
  password: string;
  pin?: string;
}

const STAFF_FIELDS = ['name', 'phone', 'email', 'role', 'storeId', 'password', 'pin'];

interface Common {
  open: boolean;
  onClose: () => void;
  onDone: () => Promise<void> | void;
  stores: Store[];
  /** Roles the signed-in user may give. */
  roles: Role[];
  /** A manager's own store: fixed for whatever they add. */
  fixedStoreId: string | null;
}

function useModalForm<T extends object>(open: boolean, initial: Partial<T>) {
  const [form] = Form.useForm<T>();
  const [error, setError] = useState<string | null>(null);
  const initialRef = useRef(initial);
  initialRef.current = initial;
  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue(initialRef.current as Parameters<typeof form.setFieldsValue>[0]);
  }, [open, form]);
  return { form, error, setError };
}

/** Form.Item hands its control `value` and `onChange`; they must reach the Select. */
function StoreSelect({
  stores,
  disabled,
  ...control
}: {
  stores: Store[];
  disabled?: boolean;
  value?: string;
  onChange?: (v: string | undefined) => void;
}) {
  return (
    <Select
      {...control}
      allowClear
      disabled={disabled}
      options={stores.map((s) => ({ value: s.id, label: s.name }))}
      data-testid="staff-store"
    />
  );
}

function storeRule(t: (k: string) => string) {
  return ({ getFieldValue }: { getFieldValue: (n: string) => unknown }) => ({
    validator: (_r: unknown, value: unknown) =>
      getFieldValue('role') !== 'owner' && !value ? Promise.reject(new Error(t('validation.storeRequired'))) : Promise.resolve(),
  });
}

export function AddStaffModal(props: Common) {
  const { t } = useTranslation();
  const { busy, run } = useSubmit();
  const keeper = useRef(createIdempotencyKeeper());
  const { form, error, setError } = useModalForm<StaffValues>(props.open, {
    role: 'cashier',
    storeId: props.fixedStoreId ?? (props.stores.length === 1 ? props.stores[0]?.id : undefined),
  });
  const role = Form.useWatch('role', form);

  useEffect(() => {
    if (props.open) keeper.current.reset();
  }, [props.open]);

  const onOk = () =>
    run(async () => {
      let v: StaffValues;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const body: NewStaffBody = {
        name: v.name.trim(),
        phone: normalizeMobile(v.phone) ?? v.phone.trim(),
        role: v.role,
        password: v.password,
      };
      const email = v.email?.trim();
      if (email) body.email = normalizeEmail(email) ?? email;
      if (v.role !== 'owner' && v.storeId) body.storeId = v.storeId;
      if (v.pin) body.pin = v.pin;
      setError(null);
      try {
        await api.createStaff(body, keeper.current.keyFor(body));
        await props.onDone();
        props.onClose();
      } catch (err) {
        setError(serverErrorMessage(err, form, STAFF_FIELDS));
      }
    });

  return (
    <Modal
      open={props.open}
      title={t('staff.add')}
      onCancel={props.onClose}
      onOk={() => void onOk()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ size: 'large', ...testIdProps('staff-save') }}
      cancelButtonProps={{ size: 'large' }}
      forceRender
    >
      <Form form={form} name="staff-add" layout="vertical" size="large" onValuesChange={() => setError(null)}>
        <Form.Item name="name" label={t('staff.name')} rules={[textRule(t, 50)]} required>
          <Input data-testid="staff-name" />
        </Form.Item>
        <Form.Item name="phone" label={t('staff.phone')} rules={[mobileRule(t)]} required>
          <Input inputMode="tel" maxLength={20} data-testid="staff-phone" />
        </Form.Item>
        <Form.Item name="email" label={t('staff.emailOptional')} rules={[emailRule(t, false)]}>
          <Input inputMode="email" data-testid="staff-email" />
        </Form.Item>
        <Form.Item name="role" label={t('staff.role')} required>
          <Select
            options={props.roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            disabled={props.roles.length === 1}
            data-testid="staff-role"
          />
        </Form.Item>
        {role !== 'owner' && (
          <Form.Item name="storeId" label={t('staff.store')} rules={[storeRule(t)]} dependencies={['role']} required>
            <StoreSelect stores={props.stores} disabled={props.fixedStoreId !== null} />
          </Form.Item>
        )}
        <Form.Item
          name="password"
          label={t('staff.initialPassword')}
          rules={[passwordRule(t)]}
          extra={t('validation.password.hint')}
          required
        >
          <Input.Password autoComplete="new-password" data-testid="staff-password" />
        </Form.Item>
        <Form.Item
          name="pin"
          label={t('staff.pinOptional')}
          rules={[pinRule(t, false)]}
          extra={t('staff.pinHelp')}
          getValueFromEvent={digitsOnly(6)}
        >
          <Input.Password inputMode="numeric" autoComplete="off" maxLength={6} data-testid="staff-pin" />
        </Form.Item>
        <FormError message={error} />
      </Form>
    </Modal>
  );
}

export function EditStaffModal(props: Common & { staff: Staff | null }) {
  const { t } = useTranslation();
  const { busy, run } = useSubmit();
  const staff = props.staff;
  const { form, error, setError } = useModalForm<{ name: string; role: Role; storeId?: string }>(props.open, {
    name: staff?.name ?? '',
    role: staff?.role ?? 'cashier',
    storeId: staff?.storeId ?? undefined,
  });
  const role = Form.useWatch('role', form);

  const onOk = () =>
    run(async () => {
      if (!staff) return;
      let v: { name: string; role: Role; storeId?: string };
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      const patch: StaffPatch = { name: v.name.trim(), role: v.role };
      if (v.role !== 'owner') patch.storeId = v.storeId ?? null;
      setError(null);
      try {
        await api.updateStaff(staff.id, patch);
        await props.onDone();
        props.onClose();
      } catch (err) {
        setError(serverErrorMessage(err, form, ['name', 'role', 'storeId']));
      }
    });

  return (
    <Modal
      open={props.open}
      title={t('staff.edit')}
      onCancel={props.onClose}
      onOk={() => void onOk()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ size: 'large', ...testIdProps('staff-edit-save') }}
      cancelButtonProps={{ size: 'large' }}
      forceRender
    >
      <Form form={form} name="staff-edit" layout="vertical" size="large" onValuesChange={() => setError(null)}>
        <Form.Item name="name" label={t('staff.name')} rules={[textRule(t, 50)]} required>
          <Input />
        </Form.Item>
        <Form.Item name="role" label={t('staff.role')} required>
          <Select options={props.roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} disabled={props.roles.length === 1} />
        </Form.Item>
        {role !== 'owner' && (
          <Form.Item name="storeId" label={t('staff.store')} rules={[storeRule(t)]} dependencies={['role']} required>
            <StoreSelect stores={props.stores} disabled={props.fixedStoreId !== null} />
          </Form.Item>
        )}
        <FormError message={error} />
      </Form>
    </Modal>
  );
}

/** Reset someone's password or PIN: one secret field. */
export function ResetSecretModal(props: {
  open: boolean;
  kind: 'password' | 'pin';
  staff: Staff | null;
  onClose: () => void;
  onDone: () => Promise<void> | void;
}) {
  const { t } = useTranslation();
  const { busy, run } = useSubmit();
  const { form, error, setError } = useModalForm<{ secret: string }>(props.open, {});
  const isPin = props.kind === 'pin';

  const onOk = () =>
    run(async () => {
      if (!props.staff) return;
      let v: { secret: string };
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      setError(null);
      try {
        await api.updateStaff(props.staff.id, isPin ? { pin: v.secret } : { password: v.secret });
        await props.onDone();
        props.onClose();
      } catch (err) {
        setError(serverErrorMessage(err, form, ['secret'], { pin: 'secret', password: 'secret' }));
      }
    });

  return (
    <Modal
      open={props.open}
      title={`${isPin ? t('staff.resetPin') : t('staff.resetPassword')} · ${props.staff?.name ?? ''}`}
      onCancel={props.onClose}
      onOk={() => void onOk()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ size: 'large', ...testIdProps('staff-secret-save') }}
      cancelButtonProps={{ size: 'large' }}
      forceRender
    >
      <Form form={form} name="staff-secret" layout="vertical" size="large" onValuesChange={() => setError(null)}>
        <Form.Item
          name="secret"
          label={isPin ? t('staff.newPin') : t('staff.newPassword')}
          rules={[isPin ? pinRule(t, true) : passwordRule(t)]}
          extra={isPin ? t('staff.pinHelp') : t('validation.password.hint')}
          getValueFromEvent={isPin ? digitsOnly(6) : undefined}
        >
          <Input.Password
            inputMode={isPin ? 'numeric' : undefined}
            maxLength={isPin ? 6 : undefined}
            autoComplete={isPin ? 'off' : 'new-password'}
            data-testid="staff-secret"
          />
        </Form.Item>
        <FormError message={error} />
      </Form>
    </Modal>
  );
}
