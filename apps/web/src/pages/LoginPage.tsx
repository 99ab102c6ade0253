import { App, Button, Card, Flex, Form, Input, Space, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { useCountdown } from '../components/countdown.ts';
import { FormError, serverErrorMessage, useSubmit } from '../components/forms.tsx';
import { codeRule, digitsOnly, loginRule, normalizeLogin } from '../components/rules.ts';
import { SendCodeButton } from '../components/SendCodeButton.tsx';
import { useSession } from '../session/SessionContext.tsx';

function PasswordLogin() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const [form] = Form.useForm<{ login: string; password: string }>();
  const { busy, run } = useSubmit();
  const [error, setError] = useState<string | null>(null);

  const onFinish = (v: { login: string; password: string }) =>
    run(async () => {
      setError(null);
      try {
        signedIn(await api.login(normalizeLogin(v.login), v.password));
      } catch (err) {
        setError(serverErrorMessage(err, form, ['login', 'password']));
      }
    });

  return (
    <Form form={form} name="login-password" layout="vertical" size="large" onFinish={onFinish} onValuesChange={() => setError(null)}>
      <Form.Item name="login" label={t('login.login')} rules={[loginRule(t)]} validateTrigger="onBlur">
        <Input autoComplete="username" autoFocus data-testid="login-login" />
      </Form.Item>
      <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('validation.required') }]}>
        <Input.Password autoComplete="current-password" data-testid="login-password" />
      </Form.Item>
      <FormError message={error} />
      <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
        {t('login.submit')}
      </Button>
    </Form>
  );
}

function CodeLogin() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { signedIn } = useSession();
  const [form] = Form.useForm<{ login: string; code: string }>();
  const submit = useSubmit();
  const send = useSubmit();
  const { remaining, start } = useCountdown();
  const [error, setError] = useState<string | null>(null);

  const onSend = () =>
    send.run(async () => {
      setError(null);
      try {
        const { login } = await form.validateFields(['login']);
        const res = await api.sendOtp(normalizeLogin(login), 'login');
        start(60);
        message.success(t('login.codeSent', { to: res.sentTo }));
      } catch (err) {
        if (err instanceof ApiError) {
          if (err.code === 'CODE_TOO_SOON') start(60);
          setError(serverErrorMessage(err, form, ['login']));
        }
      }
    });

  const onFinish = (v: { login: string; code: string }) =>
    submit.run(async () => {
      setError(null);
      try {
        signedIn(await api.otpLogin(normalizeLogin(v.login), v.code));
      } catch (err) {
        setError(serverErrorMessage(err, form, ['login', 'code']));
      }
    });

  return (
    <Form form={form} name="login-code" layout="vertical" size="large" onFinish={onFinish} onValuesChange={() => setError(null)}>
      <Form.Item name="login" label={t('login.login')} rules={[loginRule(t)]} validateTrigger="onBlur">
        <Input autoComplete="username" data-testid="otp-login" />
      </Form.Item>
      <Form.Item label={t('login.code')} required>
        <Space.Compact style={{ width: '100%' }}>
          <Form.Item name="code" noStyle rules={[codeRule(t)]} getValueFromEvent={digitsOnly(6)}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} data-testid="otp-code" />
          </Form.Item>
          <SendCodeButton
            remaining={remaining}
            busy={send.busy}
            onClick={() => void onSend()}
            label={t('login.sendCode')}
            testId="otp-send"
          />
        </Space.Compact>
      </Form.Item>
      <FormError message={error} />
      <Button type="primary" htmlType="submit" block loading={submit.busy} data-testid="otp-submit">
        {t('login.submit')}
      </Button>
    </Form>
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  return (
    <Card style={{ maxWidth: 460, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('login.title')}
      </Typography.Title>
      <Tabs
        size="large"
        items={[
          { key: 'password', label: <span data-testid="tab-password">{t('login.tabPassword')}</span>, children: <PasswordLogin /> },
          { key: 'code', label: <span data-testid="tab-code">{t('login.tabCode')}</span>, children: <CodeLogin /> },
        ]}
      />
      <Flex justify="space-between" style={{ marginTop: 16 }} wrap gap={8}>
        <Link to="/forgot" data-testid="link-forgot">
          {t('login.forgot')}
        </Link>
        <Link to="/register" data-testid="link-register">
          {t('login.register')}
        </Link>
      </Flex>
    </Card>
  );
}
