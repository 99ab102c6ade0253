import { Alert, Button, Card, Flex, Form, Input, Result, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { useCountdown } from '../components/countdown.ts';
import { FormError, serverErrorMessage, useSubmit } from '../components/forms.tsx';
import { codeRule, confirmRule, digitsOnly, loginRule, normalizeLogin, passwordRule } from '../components/rules.ts';

interface ResetValues {
  code: string;
  newPassword: string;
  confirmPassword: string;
}

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const [login, setLogin] = useState('');
  const [sentTo, setSentTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [accountForm] = Form.useForm<{ login: string }>();
  const [resetForm] = Form.useForm<ResetValues>();
  const send = useSubmit();
  const reset = useSubmit();
  const { remaining, start } = useCountdown();

  const sendCode = (value: string) =>
    send.run(async () => {
      setError(null);
      try {
        const res = await api.sendOtp(value, 'reset');
        setLogin(value);
        setSentTo(res.sentTo);
        start(60);
        setStep(1);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'CODE_TOO_SOON') start(60);
        setError(serverErrorMessage(err, accountForm, ['login']));
      }
    });

  const onReset = (v: ResetValues) =>
    reset.run(async () => {
      setError(null);
      try {
        await api.resetPassword(login, v.code, v.newPassword);
        setStep(2);
      } catch (err) {
        setError(serverErrorMessage(err, resetForm, ['code', 'newPassword'], { password: 'newPassword' }));
      }
    });

  return (
    <Card style={{ maxWidth: 520, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('forgot.title')}
      </Typography.Title>
      <Steps
        current={step}
        size="small"
        style={{ marginBottom: 24 }}
        items={[{ title: t('forgot.stepAccount') }, { title: t('forgot.stepPassword') }, { title: t('forgot.stepDone') }]}
      />
      {step === 0 && (
        <Form
          form={accountForm}
          name="forgot-account"
          layout="vertical"
          size="large"
          onFinish={(v) => void sendCode(normalizeLogin(v.login))}
          onValuesChange={() => setError(null)}
        >
          <Form.Item name="login" label={t('login.login')} rules={[loginRule(t)]} validateTrigger="onBlur">
            <Input autoComplete="username" autoFocus data-testid="forgot-login" />
          </Form.Item>
          <FormError message={error} />
          <Button type="primary" htmlType="submit" block loading={send.busy} data-testid="forgot-send">
            {t('forgot.sendCode')}
          </Button>
        </Form>
      )}
      {step === 1 && (
        <Form form={resetForm} name="forgot-reset" layout="vertical" size="large" onFinish={onReset} onValuesChange={() => setError(null)}>
          <Alert type="info" showIcon title={t('forgot.codeSent', { to: sentTo })} style={{ marginBottom: 16 }} />
          <Form.Item name="code" label={t('login.code')} rules={[codeRule(t)]} getValueFromEvent={digitsOnly(6)}>
            <Input autoFocus inputMode="numeric" autoComplete="one-time-code" maxLength={6} data-testid="forgot-code" />
          </Form.Item>
          <Form.Item name="newPassword" label={t('forgot.newPassword')} rules={[passwordRule(t)]} extra={t('validation.password.hint')}>
            <Input.Password autoComplete="new-password" data-testid="forgot-new-password" />
          </Form.Item>
          <Form.Item
            name="confirmPassword"
            label={t('forgot.confirmPassword')}
            dependencies={['newPassword']}
            rules={[confirmRule(t, 'newPassword')]}
          >
            <Input.Password autoComplete="new-password" data-testid="forgot-confirm-password" />
          </Form.Item>
          <FormError message={error} />
          <Flex vertical gap="middle">
            <Button type="primary" htmlType="submit" block loading={reset.busy} data-testid="forgot-submit">
              {t('forgot.submit')}
            </Button>
            <Button block disabled={remaining > 0} loading={send.busy} onClick={() => void sendCode(login)}>
              {remaining > 0 ? t('forgot.resendIn', { s: remaining }) : t('forgot.resend')}
            </Button>
          </Flex>
        </Form>
      )}
      {step === 2 && (
        <Result
          status="success"
          title={t('forgot.done')}
          extra={
            <Button type="primary" size="large" onClick={() => navigate('/login')} data-testid="forgot-back">
              {t('forgot.backToLogin')}
            </Button>
          }
        />
      )}
      {step < 2 && (
        <div style={{ marginTop: 16, textAlign: 'center' }}>
          <Link to="/login">{t('forgot.backToLogin')}</Link>
        </div>
      )}
    </Card>
  );
}
