import { fenToYuanString, formatFen, parseYuan } from '@paydesk/domain';
import { Alert, Button, Form, Input, Modal, Result, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { type Payment, paymentsApi, type Refund } from '../../api/payments.ts';
import { FormError, serverErrorMessage, useSubmit } from '../../components/forms.tsx';
import { newId } from '../../components/payments/util.ts';

interface Values {
  amount: string;
  reason: string;
}

/** Refund all or part of a payment (manager or owner), with a reason; the result is shown before closing. */
export function RefundModal({ payment, open, onClose }: { payment: Payment; open: boolean; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Refund | null>(null);
  const { busy, run } = useSubmit();
  /** The key of the last attempt, reused only to resend the same body after a network failure. */
  const attempt = useRef<{ json: string; key: string } | null>(null);
  const leftFen = Math.max(0, payment.amountFen - payment.refundedFen);

  const close = () => {
    const changed = result !== null;
    setResult(null);
    setError(null);
    attempt.current = null;
    form.resetFields();
    onClose(changed);
  };

  const submit = (v: Values) =>
    run(async () => {
      setError(null);
      const amountFen = parseYuan(v.amount);
      if (amountFen === null || amountFen <= 0) {
        form.setFields([{ name: 'amount', errors: [t('records.refund.amountInvalid')] }]);
        return;
      }
      if (amountFen > leftFen) {
        form.setFields([{ name: 'amount', errors: [t('records.refund.amountTooBig', { left: formatFen(leftFen) })] }]);
        return;
      }
      const body = { amountFen, reason: v.reason.trim() };
      const json = JSON.stringify(body);
      const key = attempt.current?.json === json ? attempt.current.key : newId();
      attempt.current = { json, key };
      try {
        setResult(await paymentsApi.refund(payment.id, body, key));
        attempt.current = null;
      } catch (err) {
        if (err instanceof ApiError && err.status > 0 && err.status < 500) attempt.current = null;
        setError(serverErrorMessage(err, form, ['amount', 'reason'], { amountFen: 'amount' }));
      }
    });

  return (
    <Modal
      open={open}
      title={t('records.refund.title', { amount: formatFen(payment.amountFen) })}
      onCancel={close}
      footer={null}
      destroyOnHidden
      width={480}
    >
      {result ? (
        <Result
          status={result.status === 'succeeded' ? 'success' : result.status === 'failed' ? 'error' : 'info'}
          title={
            <span data-testid="refund-result">{t(`records.refund.result.${result.status}`, { amount: formatFen(result.amountFen) })}</span>
          }
          subTitle={result.failureReason ?? (result.status === 'pending' ? t('records.refund.pendingHint') : result.reason)}
          extra={
            <Button type="primary" size="large" onClick={close} data-testid="refund-done">
              {t('common.close')}
            </Button>
          }
        />
      ) : (
        <Form
          form={form}
          layout="vertical"
          initialValues={{ amount: fenToYuanString(leftFen), reason: '' }}
          onFinish={(v) => void submit(v)}
          requiredMark={false}
        >
          <Typography.Paragraph type="secondary">
            {t('records.refund.left', { left: formatFen(leftFen), refunded: formatFen(payment.refundedFen) })}
          </Typography.Paragraph>
          <Form.Item name="amount" label={t('records.refund.amount')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input size="large" prefix="¥" inputMode="decimal" data-testid="refund-amount" />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('records.refund.reason')}
            rules={[
              { required: true, whitespace: true, message: t('records.refund.reasonRequired') },
              { max: 100, message: t('validation.tooLong', { max: 100 }) },
            ]}
          >
            <Input.TextArea
              rows={2}
              maxLength={100}
              showCount
              placeholder={t('records.refund.reasonPlaceholder')}
              data-testid="refund-reason"
            />
          </Form.Item>
          <FormError message={error} />
          <Alert type="warning" showIcon title={t('records.refund.warning')} style={{ marginBottom: 16 }} />
          <Button type="primary" danger size="large" block htmlType="submit" loading={busy} data-testid="refund-submit">
            {t('records.refund.submit')}
          </Button>
        </Form>
      )}
    </Modal>
  );
}
