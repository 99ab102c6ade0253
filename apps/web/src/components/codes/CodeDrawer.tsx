import { Alert, Descriptions, Drawer, Empty, Flex, Image, Skeleton, Space, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, codeUrls } from '../../api/endpoints.ts';
import type { Code, HistoryEntry } from '../../api/types.ts';
import { formatTime } from '../format.ts';
import { LoadError } from '../LoadError.tsx';
import { useLoad } from '../useLoad.ts';
import {
  amountLabel,
  bindingLabel,
  CodeStatusTag,
  type Places,
  placeLabel,
  providerKindLabel,
  providerLabel,
  VerifiedTag,
} from './display.tsx';

const actionColour: Record<string, string> = {
  'code.generated': 'blue',
  'code.uploaded': 'blue',
  'code.disabled': 'gray',
  'code.enabled': 'green',
  'binding.created': 'green',
  'binding.retired': 'gray',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One history line: the action, plus what it touched where the detail says so. */
function entryText(t: TFunction, places: Places, e: HistoryEntry): string {
  const action = t(`historyAction.${e.action.replace('.', '_')}`, { defaultValue: e.action });
  const d = isRecord(e.detail) ? e.detail : {};
  if (e.action === 'binding.created' && typeof d.method === 'string' && typeof d.storeId === 'string') {
    const place = placeLabel(t, places, d.storeId, typeof d.stationId === 'string' ? d.stationId : null);
    const merchantNo = typeof d.merchantNo === 'string' ? d.merchantNo : '';
    return `${action}：${place} · ${bindingLabel(t, { method: d.method as never, merchantNo })}`;
  }
  return action;
}

/** A code's details: the QR it holds, the uploaded original, its bindings and its history. */
export function CodeDrawer(props: {
  code: Code | null;
  places: Places;
  nameOf: (userId: string | null) => string | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { code } = props;
  return (
    <Drawer
      open={code !== null}
      onClose={props.onClose}
      title={code ? t('codeDrawer.title', { serial: code.serial }) : ''}
      size={560}
      destroyOnHidden
    >
      {code && <CodeDetails code={code} places={props.places} nameOf={props.nameOf} />}
    </Drawer>
  );
}

function CodeDetails({ code, places, nameOf }: { code: Code; places: Places; nameOf: (userId: string | null) => string | null }) {
  const { t, i18n } = useTranslation();
  const history = useLoad(() => api.codeHistory(code.id), code.id);
  const lang = i18n.language;
  const activeBindings = (history.data?.bindings ?? []).filter((b) => b.status === 'active');
  const kind = providerKindLabel(t, code);

  return (
    <Flex vertical gap={16} data-testid="code-drawer">
      <Flex gap={16} wrap align="flex-start">
        <figure style={{ margin: 0, textAlign: 'center' }}>
          <img
            src={codeUrls.qr(code.id, 256)}
            alt={t('codeDrawer.qrAlt', { serial: code.serial })}
            width={200}
            height={200}
            style={{ border: '1px solid #f0f0f0', borderRadius: 8, imageRendering: 'pixelated' }}
            data-testid="drawer-qr"
          />
          <figcaption>
            <Typography.Text type="secondary">{t('codeDrawer.qr')}</Typography.Text>
          </figcaption>
        </figure>
        {code.source === 'uploaded' && (
          <figure style={{ margin: 0, textAlign: 'center' }}>
            <Image
              src={codeUrls.image(code.id)}
              alt={t('codeDrawer.originalAlt')}
              width={200}
              height={200}
              style={{ objectFit: 'contain', border: '1px solid #f0f0f0', borderRadius: 8, background: '#fafafa' }}
              data-testid="drawer-original"
            />
            <figcaption>
              <Typography.Text type="secondary">{t('codeDrawer.original')}</Typography.Text>
            </figcaption>
          </figure>
        )}
      </Flex>

      {code.notice === 'personal_code' && (
        <Alert type="warning" showIcon title={t('notices.personalTitle')} description={t('notices.personal')} data-testid="drawer-notice" />
      )}

      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t('codeDrawer.merchantName')}>{code.merchantName}</Descriptions.Item>
        <Descriptions.Item label={t('codeDrawer.provider')}>
          {providerLabel(t, code)}
          {kind && ` · ${kind}`}
        </Descriptions.Item>
        <Descriptions.Item label={t('codeDrawer.kind')}>
          {t(`codeKind.${code.kind}`)} · {t(`codeSource.${code.source}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('codeDrawer.place')}>{placeLabel(t, places, code.storeId, code.stationId)}</Descriptions.Item>
        <Descriptions.Item label={t('codeDrawer.amount')}>{amountLabel(t, code)}</Descriptions.Item>
        <Descriptions.Item label={t('codeDrawer.validity')}>
          {formatTime(code.validFrom, lang)} → {formatTime(code.expiresAt, lang)}
        </Descriptions.Item>
        <Descriptions.Item label={t('codeDrawer.status')}>
          <CodeStatusTag status={code.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('codeDrawer.createdAt')}>{formatTime(code.createdAt, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('codeDrawer.content')}>
          <Typography.Text code copyable style={{ wordBreak: 'break-all' }} data-testid="drawer-content">
            {code.content}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>

      {history.error && <LoadError message={history.error} onRetry={() => void history.reload()} />}
      {history.loading && !history.data ? (
        <Skeleton active />
      ) : (
        <>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('codeDrawer.bindings')}
          </Typography.Title>
          {activeBindings.length === 0 ? (
            <Typography.Text type="secondary">{t('codes.notBound')}</Typography.Text>
          ) : (
            <Flex vertical gap={4}>
              {activeBindings.map((b) => (
                <Space key={b.id} wrap>
                  <span>{placeLabel(t, places, b.storeId, b.stationId)}</span>
                  <span>{bindingLabel(t, b)}</span>
                  <VerifiedTag verified={b.verified} />
                </Space>
              ))}
            </Flex>
          )}
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('codeDrawer.history')}
          </Typography.Title>
          {(history.data?.entries ?? []).length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('codeDrawer.noHistory')} />
          ) : (
            <Timeline
              data-testid="drawer-history"
              items={(history.data?.entries ?? []).map((e) => {
                const who = nameOf(e.actorUserId);
                return {
                  key: e.id,
                  color: actionColour[e.action] ?? 'gray',
                  content: (
                    <div data-testid="history-entry">
                      <div>{entryText(t, places, e)}</div>
                      <Typography.Text type="secondary">
                        {formatTime(e.createdAt, lang)}
                        {who && ` · ${t('codeDrawer.by', { name: who })}`}
                      </Typography.Text>
                    </div>
                  ),
                };
              })}
            />
          )}
        </>
      )}
    </Flex>
  );
}
