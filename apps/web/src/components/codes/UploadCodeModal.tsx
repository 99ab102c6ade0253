import { CheckCircleFilled, InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Flex, Form, Modal, Progress, Spin, Typography } from 'antd';
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, createIdempotencyKeeper, isDefiniteRefusal } from '../../api/client.ts';
import { api } from '../../api/endpoints.ts';
import type { Code, Station, Store, UploadResult } from '../../api/types.ts';
import { serverErrorMessage, useSubmit } from '../forms.tsx';
import { providerKindLabel, providerLabel } from './display.tsx';
import { defaultStoreId, PlacementFields, type PlacementValues } from './PlacementFields.tsx';

const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';
const MAX_BYTES = 10 * 1024 * 1024;

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; percent: number }
  | { kind: 'recognising' }
  | { kind: 'done'; result: UploadResult }
  | { kind: 'failed'; message: string; verdict: string | null };

/**
 * 上传收款码: choose a picture, see it at once, upload it with progress, then the verdict: the
 * recognised code, or the server's reason to retake the picture (nothing is stored then).
 */
export function UploadCodeModal(props: {
  open: boolean;
  stores: Store[];
  stations: Station[];
  fixedStoreId: string | null;
  onClose: () => void;
  onUploaded: (code: Code) => Promise<void> | void;
  onBind: (code: Code) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PlacementValues>();
  const { busy, run } = useSubmit();
  const keeper = useRef(createIdempotencyKeeper());
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  const { open, stores, fixedStoreId } = props;
  // Read when the modal opens; a list reloading behind an open modal must not reset it.
  const initialStore = useRef<string | undefined>(undefined);
  initialStore.current = defaultStoreId(stores, fixedStoreId);

  useEffect(() => {
    if (!open) return;
    keeper.current.reset();
    setFile(null);
    setPhase({ kind: 'idle' });
    form.resetFields();
    form.setFieldsValue({ storeId: initialStore.current });
  }, [open, form]);

  // The preview is a local object URL: shown at once, released when replaced or closed.
  useEffect(() => {
    if (!file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const choose = (picked: File | undefined) => {
    if (!picked) return;
    setFile(picked);
    setPhase(picked.size > MAX_BYTES ? { kind: 'failed', message: t('upload.tooLarge'), verdict: 'too_large' } : { kind: 'idle' });
  };

  const retake = () => {
    setFile(null);
    setPhase({ kind: 'idle' });
    input.current?.click();
  };

  const onDrop = (e: DragEvent<HTMLButtonElement>) => {
    e.preventDefault();
    setDragging(false);
    if (!busy) choose(e.dataTransfer.files[0]);
  };

  const upload = () =>
    run(async () => {
      let v: PlacementValues;
      try {
        v = await form.validateFields();
      } catch {
        return;
      }
      if (!file || file.size > MAX_BYTES) return;
      const placement = { storeId: v.storeId ?? '', stationId: v.stationId ?? null };
      const key = keeper.current.keyFor({ ...placement, name: file.name, size: file.size, modified: file.lastModified });
      setPhase({ kind: 'uploading', percent: 0 });
      try {
        const result = await api.uploadCode(placement, file, key, (fraction) =>
          setPhase(fraction >= 1 ? { kind: 'recognising' } : { kind: 'uploading', percent: Math.round(fraction * 100) }),
        );
        setPhase({ kind: 'done', result });
        await props.onUploaded(result.code);
      } catch (err) {
        if (isDefiniteRefusal(err)) keeper.current.reset();
        const verdict = err instanceof ApiError && typeof err.detail?.verdict === 'string' ? err.detail.verdict : null;
        setPhase({ kind: 'failed', message: serverErrorMessage(err, form, ['storeId', 'stationId']), verdict });
      }
    });

  const working = phase.kind === 'uploading' || phase.kind === 'recognising';
  const done = phase.kind === 'done' ? phase.result : null;

  const footer = done ? (
    <Flex justify="flex-end" gap={8}>
      <Button size="large" onClick={props.onClose} data-testid="upload-close">
        {t('upload.done')}
      </Button>
      <Button type="primary" size="large" onClick={() => props.onBind(done.code)} data-testid="upload-bind">
        {t('upload.goBind')}
      </Button>
    </Flex>
  ) : (
    <Flex justify="flex-end" gap={8}>
      <Button size="large" onClick={props.onClose} disabled={working}>
        {t('common.cancel')}
      </Button>
      {phase.kind === 'failed' ? (
        <Button type="primary" size="large" icon={<ReloadOutlined />} onClick={retake} data-testid="upload-retake">
          {t('upload.retake')}
        </Button>
      ) : (
        <Button type="primary" size="large" onClick={() => void upload()} loading={busy} disabled={!file} data-testid="upload-submit">
          {t('upload.submit')}
        </Button>
      )}
    </Flex>
  );

  return (
    <Modal
      open={open}
      title={t('upload.title')}
      onCancel={working ? undefined : props.onClose}
      closable={!working}
      mask={{ closable: !working }}
      footer={footer}
      width={640}
      forceRender
    >
      <Form form={form} name="upload-code" layout="vertical" size="large" disabled={working || done !== null}>
        <PlacementFields
          form={form}
          stores={stores}
          stations={props.stations}
          fixedStoreId={fixedStoreId}
          labels={{ store: t('upload.store'), station: t('upload.station'), stationPlaceholder: t('upload.stationPlaceholder') }}
          testIdPrefix="upload"
        />
      </Form>

      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        hidden
        onChange={(e) => {
          choose(e.target.files?.[0]);
          // The same file chosen again must fire `change` again.
          e.target.value = '';
        }}
        data-testid="upload-file"
      />
      {!preview ? (
        <button
          type="button"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          onClick={() => input.current?.click()}
          data-testid="upload-dropzone"
          style={{
            display: 'block',
            width: '100%',
            padding: '32px 16px',
            textAlign: 'center',
            border: `2px dashed ${dragging ? '#1677ff' : '#d9d9d9'}`,
            borderRadius: 8,
            background: dragging ? '#e6f4ff' : '#fafafa',
            cursor: 'pointer',
            font: 'inherit',
          }}
        >
          <InboxOutlined style={{ fontSize: 40, color: '#1677ff' }} />
          <Typography.Text strong style={{ display: 'block', margin: '8px 0 4px', fontSize: 16 }}>
            {t('upload.pick')}
          </Typography.Text>
          <Typography.Text type="secondary">{t('upload.pickHint')}</Typography.Text>
        </button>
      ) : (
        <Flex gap={16} align="flex-start" wrap>
          <figure style={{ margin: 0, flex: 'none' }}>
            <img
              src={preview}
              alt={t('upload.previewAlt')}
              style={{ width: 200, height: 200, objectFit: 'contain', border: '1px solid #f0f0f0', borderRadius: 8, background: '#fafafa' }}
              data-testid="upload-preview"
            />
            <figcaption style={{ maxWidth: 200, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
              <Typography.Text type="secondary">{file?.name}</Typography.Text>
            </figcaption>
          </figure>
          <Flex vertical gap={12} style={{ flex: 1, minWidth: 240 }}>
            {phase.kind === 'idle' && (
              <>
                <Typography.Text type="secondary">{t('upload.pickHint')}</Typography.Text>
                <Button onClick={retake} style={{ alignSelf: 'flex-start' }} data-testid="upload-change">
                  {t('upload.change')}
                </Button>
              </>
            )}
            {phase.kind === 'uploading' && (
              <div data-testid="upload-progress">
                <Typography.Text>{t('upload.uploading')}</Typography.Text>
                <Progress percent={phase.percent} status="active" />
              </div>
            )}
            {phase.kind === 'recognising' && (
              <div data-testid="upload-progress">
                <Progress percent={100} showInfo={false} status="active" />
                <Spin size="small" /> <Typography.Text>{t('upload.recognising')}</Typography.Text>
              </div>
            )}
            {phase.kind === 'failed' && (
              <Alert
                type="error"
                showIcon
                title={<span data-testid="upload-error">{phase.message}</span>}
                description={
                  phase.verdict && (
                    <span data-testid="upload-verdict">
                      {t('upload.verdict', { verdict: t(`upload.verdicts.${phase.verdict}`, { defaultValue: phase.verdict }) })}
                    </span>
                  )
                }
              />
            )}
            {done && (
              <>
                <Typography.Title level={4} style={{ margin: 0, color: '#389e0d' }} data-testid="upload-success">
                  <CheckCircleFilled /> {t('upload.success')}
                </Typography.Title>
                <Descriptions column={1} size="small" bordered styles={{ label: { whiteSpace: 'nowrap' } }}>
                  <Descriptions.Item label={t('upload.provider')}>
                    <span data-testid="upload-provider">{providerLabel(t, done.code)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('upload.kind')}>
                    <span data-testid="upload-kind">{providerKindLabel(t, done.code) ?? t(`codeKind.${done.code.kind}`)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('upload.content')}>
                    <Typography.Text code style={{ wordBreak: 'break-all' }} data-testid="upload-content">
                      {done.code.content}
                    </Typography.Text>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('upload.serial')}>
                    <span data-testid="upload-serial">{done.code.serial}</span>
                  </Descriptions.Item>
                </Descriptions>
              </>
            )}
          </Flex>
        </Flex>
      )}
      {done?.notice === 'personal_code' && (
        <Alert
          type="warning"
          showIcon
          title={t('notices.personalTitle')}
          description={t('notices.personal')}
          style={{ marginTop: 16 }}
          data-testid="upload-notice"
        />
      )}
    </Modal>
  );
}
