import { App, Button, Card, Col, Descriptions, Form, Input, Row, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/endpoints.ts';
import { formatTime } from '../components/format.ts';
import { FormError, serverErrorMessage, useSubmit } from '../components/forms.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { digitsOnly, pinRule } from '../components/rules.ts';
import { useLoad } from '../components/useLoad.ts';
import { useRequiredSession } from '../session/SessionContext.tsx';

function SetPinForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ pin: string; password: string }>();
  const { busy, run } = useSubmit();
  const [error, setError] = useState<string | null>(null);

  const onFinish = (v: { pin: string; password: string }) =>
    run(async () => {
      setError(null);
      try {
        await api.setMyPin(v.pin, v.password);
        message.success(t('account.pinSaved'));
        form.resetFields();
      } catch (err) {
        setError(serverErrorMessage(err, form, ['pin', 'password']));
      }
    });

  return (
    <Form form={form} name="my-pin" layout="vertical" size="large" onFinish={onFinish} onValuesChange={() => setError(null)}>
      <Typography.Paragraph type="secondary">{t('account.pinHelp')}</Typography.Paragraph>
      <Form.Item name="pin" label={t('account.newPin')} rules={[pinRule(t, true)]} getValueFromEvent={digitsOnly(6)} required>
        <Input.Password inputMode="numeric" maxLength={6} autoComplete="off" data-testid="my-pin" />
      </Form.Item>
      <Form.Item name="password" label={t('account.currentPassword')} rules={[{ required: true, message: t('validation.required') }]}>
        <Input.Password autoComplete="current-password" data-testid="my-pin-password" />
      </Form.Item>
      <FormError message={error} />
      <Button type="primary" htmlType="submit" loading={busy} data-testid="my-pin-save">
        {t('common.save')}
      </Button>
    </Form>
  );
}

export function AccountPage() {
  const { t, i18n } = useTranslation();
  const session = useRequiredSession();
  const merchant = useLoad(() => api.merchant());
  const m = merchant.data;
  return (
    <div data-testid="account-page">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('account.title')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('account.merchant')}>
            {merchant.error && <LoadError message={merchant.error} onRetry={() => void merchant.reload()} />}
            {!m && !merchant.error && <Skeleton active />}
            {m && (
              <Descriptions column={1} bordered size="middle">
                <Descriptions.Item label={t('account.merchantName')}>{m.name}</Descriptions.Item>
                <Descriptions.Item label={t('account.uscc')}>{m.uscc}</Descriptions.Item>
                <Descriptions.Item label={t('account.contact')}>
                  {[m.contactName, m.contactPhone, m.contactEmail].filter(Boolean).join(' · ')}
                </Descriptions.Item>
                <Descriptions.Item label={t('account.bank')}>
                  {m.bankAccountName} · {t('account.bankTail', { bank: m.bankName, last4: m.bankAccountLast4 })}
                </Descriptions.Item>
                <Descriptions.Item label={t('account.createdAt')}>{formatTime(m.createdAt, i18n.language)}</Descriptions.Item>
              </Descriptions>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('account.me')} style={{ marginBottom: 16 }}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('staff.name')}>{session.user.name}</Descriptions.Item>
              <Descriptions.Item label={t('staff.role')}>{t(`roles.${session.user.role}`)}</Descriptions.Item>
              <Descriptions.Item label={t('staff.phone')}>{session.user.phone ?? t('common.none')}</Descriptions.Item>
              <Descriptions.Item label={t('staff.email')}>{session.user.email || t('common.none')}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={t('account.setPin')}>
            <SetPinForm />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
