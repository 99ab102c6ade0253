import { normalizeEmail, normalizeMobile, validateUscc } from '@paydesk/domain';
import { Button, Card, Col, Divider, Form, Input, Radio, Row, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/endpoints.ts';
import type { RegisterBody, VerifyBy } from '../api/types.ts';
import { FormError, serverErrorMessage, useSubmit } from '../components/forms.tsx';
import {
  bankAccountRule,
  bankLuhnWarning,
  confirmRule,
  emailRule,
  mobileRule,
  passwordRule,
  textRule,
  usccRule,
} from '../components/rules.ts';

interface Values {
  enterpriseName: string;
  uscc: string;
  contactName: string;
  phone: string;
  email: string;
  bankAccountName: string;
  bankName: string;
  bankAccountNo: string;
  password: string;
  confirmPassword: string;
  verifyBy: VerifyBy;
}

const FIELDS = [
  'enterpriseName',
  'uscc',
  'contactName',
  'phone',
  'email',
  'bankAccountName',
  'bankName',
  'bankAccountNo',
  'password',
  'confirmPassword',
  'verifyBy',
] as const;

export function RegisterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const { busy, run } = useSubmit();
  const [error, setError] = useState<string | null>(null);
  const uscc = Form.useWatch('uscc', form) ?? '';
  const usccOk = validateUscc(uscc).ok;

  const onFinish = (v: Values) =>
    run(async () => {
      setError(null);
      const body: RegisterBody = {
        enterpriseName: v.enterpriseName.trim(),
        uscc: v.uscc.trim().toUpperCase(),
        contactName: v.contactName.trim(),
        phone: normalizeMobile(v.phone) ?? v.phone.trim(),
        email: normalizeEmail(v.email) ?? v.email.trim(),
        bankAccountName: v.bankAccountName.trim(),
        bankName: v.bankName.trim(),
        bankAccountNo: v.bankAccountNo.replace(/\s/g, ''),
        password: v.password,
        verifyBy: v.verifyBy,
      };
      try {
        const res = await api.register(body);
        navigate(`/register/verify?registrationId=${encodeURIComponent(res.registrationId)}`, {
          state: { sentTo: res.sentTo, verifyBy: res.verifyBy },
        });
      } catch (err) {
        setError(serverErrorMessage(err, form, FIELDS, { bankAccount: 'bankAccountNo' }));
      }
    });

  const half = { xs: 24, md: 12 };
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('register.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('register.subtitle')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        name="register"
        layout="vertical"
        size="large"
        requiredMark
        initialValues={{ verifyBy: 'sms' }}
        onFinish={onFinish}
        onValuesChange={() => setError(null)}
        scrollToFirstError
      >
        <Divider titlePlacement="start">{t('register.sectionEnterprise')}</Divider>
        <Form.Item name="enterpriseName" label={t('register.enterpriseName')} rules={[textRule(t, 100)]} required>
          <Input placeholder={t('register.enterpriseNamePlaceholder')} data-testid="reg-enterprise-name" />
        </Form.Item>
        <Form.Item
          name="uscc"
          label={t('register.uscc')}
          rules={[usccRule(t)]}
          required
          hasFeedback
          extra={usccOk ? t('register.usccOk') : undefined}
          normalize={(v: string) => v.toUpperCase()}
        >
          <Input
            placeholder={t('register.usccPlaceholder')}
            maxLength={18}
            autoComplete="off"
            spellCheck={false}
            style={{ fontFamily: 'monospace', letterSpacing: 1 }}
            data-testid="reg-uscc"
          />
        </Form.Item>

        <Divider titlePlacement="start">{t('register.sectionContact')}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="contactName" label={t('register.contactName')} rules={[textRule(t, 50)]} required>
              <Input autoComplete="name" data-testid="reg-contact-name" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="phone" label={t('register.phone')} rules={[mobileRule(t)]} required>
              <Input inputMode="tel" autoComplete="tel" maxLength={20} data-testid="reg-phone" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="email" label={t('register.email')} rules={[emailRule(t)]} required>
          <Input inputMode="email" autoComplete="email" data-testid="reg-email" />
        </Form.Item>

        <Divider titlePlacement="start">{t('register.sectionBank')}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="bankAccountName" label={t('register.bankAccountName')} rules={[textRule(t, 100)]} required>
              <Input data-testid="reg-bank-account-name" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="bankName" label={t('register.bankName')} rules={[textRule(t, 100)]} required>
              <Input placeholder={t('register.bankNamePlaceholder')} data-testid="reg-bank-name" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="bankAccountNo" label={t('register.bankAccountNo')} rules={[bankAccountRule(t), bankLuhnWarning(t)]} required>
          <Input inputMode="numeric" autoComplete="off" maxLength={40} data-testid="reg-bank-account-no" />
        </Form.Item>

        <Divider titlePlacement="start">{t('register.sectionPassword')}</Divider>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item
              name="password"
              label={t('register.password')}
              rules={[passwordRule(t)]}
              extra={t('validation.password.hint')}
              required
            >
              <Input.Password autoComplete="new-password" data-testid="reg-password" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item
              name="confirmPassword"
              label={t('register.confirmPassword')}
              dependencies={['password']}
              rules={[confirmRule(t, 'password')]}
              required
            >
              <Input.Password autoComplete="new-password" data-testid="reg-confirm-password" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="verifyBy" label={t('register.verifyBy')} required>
          <Radio.Group optionType="button" buttonStyle="solid" data-testid="reg-verify-by">
            <Radio.Button value="sms" data-testid="reg-verify-sms">
              {t('register.verifySms')}
            </Radio.Button>
            <Radio.Button value="email" data-testid="reg-verify-email">
              {t('register.verifyEmail')}
            </Radio.Button>
          </Radio.Group>
        </Form.Item>

        <FormError message={error} />
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="reg-submit">
          {t('register.submit')}
        </Button>
        <div style={{ marginTop: 16, textAlign: 'center' }}>
          <Link to="/login">{t('register.haveAccount')}</Link>
        </div>
      </Form>
    </Card>
  );
}
