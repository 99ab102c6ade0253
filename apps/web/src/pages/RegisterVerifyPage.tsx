import { Alert, App, Button, Card, Flex, Form, Input, Result, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { ApiError } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { useCountdown } from '../components/countdown.ts';
import { FormError, serverErrorMessage, useSubmit } from '../components/forms.tsx';
import { codeRule, digitsOnly } from '../components/rules.ts';
import { useSession } from '../session/SessionContext.tsx';

const RESEND_SECONDS = 60;

export function RegisterVerifyPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const location = useLocation();
  const { signedIn } = useSession();
  const registrationId = params.get('registrationId') ?? '';
  const initialSentTo = (location.state as { sentTo?: unknown } | null)?.sentTo;
  const [sentTo, setSentTo] = useState<string | null>(typeof initialSentTo === 'string' ? initialSentTo : null);
  const [form] = Form.useForm<{ code: string }>();
  const verify = useSubmit();
  const resend = useSubmit();
  const [error, setError] = useState<string | null>(null);
  const { remaining, start } = useCountdown();

  // A code was just sent when the registration was accepted.
  useEffect(() => start(RESEND_SECONDS), [start]);

  if (!registrationId) {
    return (
      <Card>
        <Result status="warning" title={t('verify.missingId')} extra={<Link to="/register">{t('verify.backToRegister')}</Link>} />
      </Card>
    );
  }

  const onFinish = ({ code }: { code: string }) =>
    verify.run(async () => {
      setError(null);
      try {
        // Signing in moves this page on to the console (AnonymousOnly).
        signedIn(await api.registerVerify(registrationId, code));
      } catch (err) {
        setError(serverErrorMessage(err, form, ['code']));
      }
    });

  const onResend = () =>
    resend.run(async () => {
      setError(null);
      try {
        const res = await api.registerResend(registrationId);
        setSentTo(res.sentTo);
        start(RESEND_SECONDS);
        message.success(t('verify.resent', { to: res.sentTo }));
      } catch (err) {
        setError(serverErrorMessage(err));
        if (err instanceof ApiError && err.code === 'CODE_TOO_SOON') start(RESEND_SECONDS);
      }
    });

  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('verify.title')}
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 24 }}
        title={sentTo ? t('verify.sentTo', { to: sentTo }) : t('verify.sentGeneric')}
        data-testid="verify-sent-to"
      />
      <Form form={form} name="verify" layout="vertical" size="large" onFinish={onFinish} onValuesChange={() => setError(null)}>
        <Form.Item name="code" label={t('verify.code')} rules={[codeRule(t)]} getValueFromEvent={digitsOnly(6)}>
          <Input
            autoFocus
            inputMode="numeric"
            pattern="[0-9]*"
            autoComplete="one-time-code"
            maxLength={6}
            style={{ fontSize: 28, letterSpacing: 12, textAlign: 'center', fontFamily: 'monospace' }}
            data-testid="verify-code"
          />
        </Form.Item>
        <FormError message={error} />
        <Flex vertical gap="middle">
          <Button type="primary" htmlType="submit" block loading={verify.busy} data-testid="verify-submit">
            {t('verify.submit')}
          </Button>
          <Button block onClick={() => void onResend()} disabled={remaining > 0} loading={resend.busy} data-testid="verify-resend">
            {remaining > 0 ? t('verify.resendIn', { s: remaining }) : t('verify.resend')}
          </Button>
        </Flex>
      </Form>
    </Card>
  );
}
