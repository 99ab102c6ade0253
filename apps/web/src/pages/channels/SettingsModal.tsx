import { Collapse, Form, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WalletAccount } from '../../api/channels.ts';
import type { Store } from '../../api/types.ts';
import { FormError, useSubmit } from '../../components/forms.tsx';
import { testIdProps } from '../../components/NameModal.tsx';
import { ALL_STORES, catalogueLang, placeSettingsErrors, SettingField } from './fields.tsx';
import { type FieldSpec, type FormValues, settingOf, type Wallet } from './wallets.ts';

export interface SettingsTarget {
  wallet: Wallet;
  /** The account being changed, or null for a new one. */
  account: WalletAccount | null;
  /** The scope the form starts with (ALL_STORES or a store id). */
  scope: string;
}

const ADVANCED = 'advanced';

/**
 * 设置微信支付 / 设置支付宝: every setting with where to find it, keys pasted as text. Whether a secret
 * may stay empty depends on the scope chosen: only an account already saved for that scope keeps one.
 * Mounted per opening; it tells the page when its closing animation is over.
 */
export function SettingsModal(props: {
  target: SettingsTarget;
  accounts: WalletAccount[];
  stores: Store[];
  onSaved: () => void;
  onClosed: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { wallet, account } = props.target;
  const [initial] = useState(() => {
    const values: FormValues = { storeId: props.target.scope };
    for (const spec of wallet.fields) values[spec.name] = account && !spec.kept ? settingOf(wallet, account, spec.name) : '';
    return values;
  });
  const [form] = Form.useForm<FormValues>();
  const { busy, run } = useSubmit();
  const [open, setOpen] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const advanced = wallet.fields.filter((f) => f.advanced);
  // An account pointed at another gateway shows it at once: a test gateway left in place takes no real money.
  const [openPanels, setOpenPanels] = useState<string[]>(advanced.some((f) => initial[f.name]) ? [ADVANCED] : []);
  const formName = `${wallet.kind}-settings`;
  const scope = (Form.useWatch('storeId', form) as string | undefined) ?? props.target.scope;
  const stored = props.accounts.some((a) => a.kind === wallet.kind && (a.storeId ?? ALL_STORES) === scope);
  const names = ['storeId', ...wallet.fields.map((f) => f.name)];
  const isAdvanced = (name: string | number | undefined) => advanced.some((a) => a.name === name);
  const field = (spec: FieldSpec) => <SettingField key={spec.name} spec={spec} formName={formName} stored={stored} />;

  const onOk = () =>
    run(async () => {
      let v: FormValues;
      try {
        v = await form.validateFields();
      } catch (invalid) {
        // A mistake in a closed 高级设置 panel must not go unseen.
        const fields = (invalid as { errorFields?: { name: (string | number)[] }[] }).errorFields ?? [];
        if (fields.some((f) => isAdvanced(f.name[0]))) setOpenPanels([ADVANCED]);
        return;
      }
      setError(null);
      try {
        await wallet.save(v.storeId ? v.storeId : null, v);
        props.onSaved();
        setOpen(false);
      } catch (err) {
        setError(placeSettingsErrors(catalogueLang(i18n.language), err, form, names));
        if (form.getFieldsError().some((f) => f.errors.length > 0 && isAdvanced(f.name[0]))) setOpenPanels([ADVANCED]);
      }
    });

  return (
    <Modal
      open={open}
      title={t(`channels.formTitle.${wallet.kind}`)}
      width={760}
      onCancel={() => setOpen(false)}
      afterClose={props.onClosed}
      onOk={() => void onOk()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ size: 'large', ...testIdProps(`${formName}-save`) }}
      cancelButtonProps={{ size: 'large' }}
      maskClosable={false}
    >
      <Typography.Paragraph type="secondary">{t(`channels.formIntro.${wallet.kind}`)}</Typography.Paragraph>
      <Form
        form={form}
        name={formName}
        layout="vertical"
        size="large"
        initialValues={initial}
        onValuesChange={() => setError(null)}
        data-testid={formName}
      >
        <Form.Item name="storeId" label={t('channels.scope')} extra={t('channels.scopeHint')}>
          <Select
            options={[{ value: ALL_STORES, label: t('channels.scopeAll') }, ...props.stores.map((s) => ({ value: s.id, label: s.name }))]}
            data-testid={`${formName}-store`}
          />
        </Form.Item>
        {wallet.fields.filter((f) => !f.advanced).map(field)}
        {advanced.length > 0 && (
          <Collapse
            activeKey={openPanels}
            onChange={(keys) => setOpenPanels(Array.isArray(keys) ? keys : [keys])}
            style={{ marginBottom: 24 }}
            items={[
              {
                key: ADVANCED,
                label: <span data-testid={`${formName}-advanced`}>{t('channels.advanced')}</span>,
                // Rendered while closed, so its fields keep their values and take part in validation.
                forceRender: true,
                children: advanced.map(field),
              },
            ]}
          />
        )}
        <FormError message={error} />
      </Form>
    </Modal>
  );
}
