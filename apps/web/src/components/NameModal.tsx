import { Form, Input, Modal } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createIdempotencyKeeper } from '../api/client.ts';
import { FormError, serverErrorMessage, useSubmit } from './forms.tsx';
import { textRule } from './rules.ts';

/** `data-testid` for antd props objects, which do not declare data attributes. */
export function testIdProps(id: string): object {
  return { 'data-testid': id };
}

export interface FieldSpec {
  name: string;
  label: string;
  max: number;
  placeholder?: string;
  testId: string;
}

/**
 * A modal form of a few single-line text fields (store name and address, station name).
 * `submit` gets the trimmed values and an Idempotency-Key that stays the same while the same
 * values are retried, and changes when the values or the opened modal change.
 */
export function TextFieldsModal(props: {
  open: boolean;
  title: string;
  fields: FieldSpec[];
  initial?: Record<string, string>;
  okTestId: string;
  onClose: () => void;
  submit: (values: Record<string, string>, idempotencyKey: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Record<string, string>>();
  const { busy, run } = useSubmit();
  const [error, setError] = useState<string | null>(null);
  const keeper = useRef(createIdempotencyKeeper());
  const { open, initial } = props;

  useEffect(() => {
    if (!open) return;
    keeper.current.reset();
    setError(null);
    form.resetFields();
    form.setFieldsValue(initial ?? {});
  }, [open, initial, form]);

  const onOk = () =>
    run(async () => {
      let values: Record<string, string>;
      try {
        values = await form.validateFields();
      } catch {
        return;
      }
      const trimmed = Object.fromEntries(props.fields.map((f) => [f.name, (values[f.name] ?? '').trim()]));
      setError(null);
      try {
        await props.submit(trimmed, keeper.current.keyFor(trimmed));
        props.onClose();
      } catch (err) {
        setError(
          serverErrorMessage(
            err,
            form,
            props.fields.map((f) => f.name),
          ),
        );
      }
    });

  return (
    <Modal
      open={open}
      title={props.title}
      onCancel={props.onClose}
      onOk={() => void onOk()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ size: 'large', ...testIdProps(props.okTestId) }}
      cancelButtonProps={{ size: 'large' }}
      forceRender
    >
      <Form form={form} layout="vertical" size="large" onValuesChange={() => setError(null)} onFinish={() => void onOk()}>
        {props.fields.map((f) => (
          <Form.Item key={f.name} name={f.name} label={f.label} rules={[textRule(t, f.max)]} required>
            <Input placeholder={f.placeholder} data-testid={f.testId} />
          </Form.Item>
        ))}
        <FormError message={error} />
        {/* Enter in a field submits. */}
        <button type="submit" hidden />
      </Form>
    </Modal>
  );
}
