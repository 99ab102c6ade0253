import { CloudUploadOutlined, EyeOutlined, LinkOutlined, PlusOutlined, PrinterOutlined } from '@ant-design/icons';
import { can } from '@paydesk/domain';
import { Alert, App, Button, Flex, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/endpoints.ts';
import type { Binding, Code } from '../api/types.ts';
import { CodeDrawer } from '../components/codes/CodeDrawer.tsx';
import {
  amountLabel,
  bindingLabel,
  CodeStatusTag,
  type Places,
  providerKindLabel,
  providerLabel,
  stationName,
  storeName,
  useStaffNames,
  VerifiedTag,
} from '../components/codes/display.tsx';
import { EmvAccountModal } from '../components/codes/EmvAccountModal.tsx';
import { GenerateCodeModal } from '../components/codes/GenerateCodeModal.tsx';
import { PrintCardModal } from '../components/codes/PrintCardModal.tsx';
import { UploadCodeModal } from '../components/codes/UploadCodeModal.tsx';
import { formatTime } from '../components/format.ts';
import { LoadError } from '../components/LoadError.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLoad } from '../components/useLoad.ts';
import { useRequiredSession } from '../session/SessionContext.tsx';

type Dialog = { kind: 'generate' } | { kind: 'upload' } | { kind: 'emv' } | null;

const ALL = '';

/** 收款码: every code with its status, validity and bindings; generate, upload, view, print, bind, disable. */
export function CodesPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const session = useRequiredSession();
  const role = session.user.role;
  const canManage = can(role, 'code.manage');
  const canBind = can(role, 'binding.manage');
  const fixedStoreId = role === 'manager' ? session.user.storeId : null;
  const nameOf = useStaffNames(session);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [viewing, setViewing] = useState<Code | null>(null);
  const [printing, setPrinting] = useState<Code | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);
  const [storeFilter, setStoreFilter] = useState(ALL);
  const [emvSaved, setEmvSaved] = useState(0);

  const loaded = useLoad(async () => {
    const [codes, bindings, stores, stations] = await Promise.all([
      api.codes(),
      api.bindings({ active: true }),
      api.stores(),
      api.stations(),
    ]);
    return { codes: codes.items, bindings: bindings.items, stores: stores.items, stations: stations.items };
  });

  const places: Places = useMemo(() => ({ stores: loaded.data?.stores ?? [], stations: loaded.data?.stations ?? [] }), [loaded.data]);
  const ownStores = useMemo(
    () => (fixedStoreId ? places.stores.filter((s) => s.id === fixedStoreId) : places.stores),
    [places.stores, fixedStoreId],
  );
  const bindingsOf = useMemo(() => {
    const by = new Map<string, Binding[]>();
    for (const b of loaded.data?.bindings ?? []) by.set(b.codeId, [...(by.get(b.codeId) ?? []), b]);
    return (codeId: string) => by.get(codeId) ?? [];
  }, [loaded.data]);
  const codes = useMemo(
    () => (loaded.data?.codes ?? []).filter((c) => storeFilter === ALL || c.storeId === storeFilter),
    [loaded.data, storeFilter],
  );

  const toggle = async (code: Code) => {
    if (toggling) return;
    setToggling(code.id);
    try {
      if (code.status === 'disabled') {
        await api.enableCode(code.id);
        message.success(t('codes.enabledOk', { serial: code.serial }));
      } else {
        await api.disableCode(code.id);
        message.success(t('codes.disabledOk', { serial: code.serial }));
      }
      await loaded.reload();
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setToggling(null);
    }
  };

  const bind = (code: Code) => navigate(`/bindings?codeId=${encodeURIComponent(code.id)}`);

  return (
    <div data-testid="codes-page">
      <PageHeader title={t('codes.title')}>
        {canManage && (
          <>
            <Button
              type="primary"
              size="large"
              icon={<PlusOutlined />}
              onClick={() => setDialog({ kind: 'generate' })}
              data-testid="code-generate"
            >
              {t('codes.generate')}
            </Button>
            <Button size="large" icon={<CloudUploadOutlined />} onClick={() => setDialog({ kind: 'upload' })} data-testid="code-upload">
              {t('codes.upload')}
            </Button>
            {canBind && (
              <Button size="large" icon={<LinkOutlined />} onClick={() => navigate('/bindings')} data-testid="code-bind-wizard">
                {t('codes.bindWizard')}
              </Button>
            )}
          </>
        )}
      </PageHeader>
      <Typography.Paragraph type="secondary">{t('codes.intro')}</Typography.Paragraph>
      {!canManage && (
        <Alert type="info" showIcon title={t('codes.cashierHint')} style={{ marginBottom: 16 }} data-testid="codes-readonly" />
      )}
      {loaded.error && <LoadError message={loaded.error} onRetry={() => void loaded.reload()} />}
      {places.stores.length > 1 && (
        <Select
          value={storeFilter}
          onChange={setStoreFilter}
          style={{ minWidth: 220, marginBottom: 16 }}
          options={[{ value: ALL, label: t('emv.scopeAll') }, ...places.stores.map((s) => ({ value: s.id, label: s.name }))]}
          data-testid="codes-store-filter"
        />
      )}
      <Table<Code>
        rowKey="id"
        loading={loaded.loading && !loaded.data}
        dataSource={codes}
        pagination={codes.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        scroll={{ x: 980 }}
        locale={{ emptyText: t('codes.empty') }}
        onRow={(c) => ({ 'data-testid': 'code-row', 'data-serial': c.serial }) as object}
        columns={[
          {
            title: t('codes.colCode'),
            dataIndex: 'serial',
            width: 110,
            render: (_v, c) => (
              <Flex vertical gap={4} align="flex-start">
                <Typography.Text strong data-testid="code-serial">
                  {c.serial}
                </Typography.Text>
                <CodeStatusTag status={c.status} />
              </Flex>
            ),
          },
          {
            title: t('codes.colProvider'),
            key: 'provider',
            width: 170,
            render: (_v, c) => {
              const kind = providerKindLabel(t, c);
              return (
                <Flex vertical gap={4}>
                  <span>
                    <span data-testid="code-provider">{providerLabel(t, c)}</span>
                    {kind && (
                      <>
                        {' · '}
                        <Typography.Text type={c.providerKind === 'personal' ? 'warning' : 'secondary'} data-testid="code-provider-kind">
                          {kind}
                        </Typography.Text>
                      </>
                    )}
                  </span>
                  <Flex gap={4} wrap>
                    <Tag color={c.kind === 'dynamic' ? 'purple' : 'blue'} data-testid="code-kind">
                      {t(`codeKind.${c.kind}`)}
                    </Tag>
                    <Tag data-testid="code-source">{t(`codeSource.${c.source}`)}</Tag>
                  </Flex>
                </Flex>
              );
            },
          },
          {
            title: t('codes.colPlace'),
            key: 'place',
            width: 130,
            render: (_v, c) => (
              <Flex vertical>
                <span data-testid="code-store">{storeName(places, c.storeId)}</span>
                <Typography.Text type="secondary" data-testid="code-station">
                  {stationName(t, places, c.stationId)}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            title: t('codes.colAmount'),
            key: 'amount',
            width: 100,
            align: 'right',
            render: (_v, c) =>
              c.amountFen === null ? (
                <Typography.Text type="secondary">{amountLabel(t, c)}</Typography.Text>
              ) : (
                <span data-testid="code-amount">{amountLabel(t, c)}</span>
              ),
          },
          {
            title: t('codes.colValidity'),
            key: 'validity',
            width: 175,
            render: (_v, c) => (
              <Flex vertical data-testid="code-validity" style={{ whiteSpace: 'nowrap' }}>
                <span>{t('codes.validFrom', { time: formatTime(c.validFrom, i18n.language) })}</span>
                <span>{t('codes.expiresAt', { time: formatTime(c.expiresAt, i18n.language) })}</span>
              </Flex>
            ),
          },
          {
            title: t('codes.colBindings'),
            key: 'bindings',
            width: 170,
            render: (_v, c) => {
              const list = bindingsOf(c.id);
              if (list.length === 0) return <Typography.Text type="secondary">{t('codes.notBound')}</Typography.Text>;
              return (
                <Flex vertical gap={4}>
                  {list.map((b) => (
                    <Flex key={b.id} gap={4} wrap align="center" data-testid="code-binding">
                      <span>{bindingLabel(t, b)}</span>
                      <VerifiedTag verified={b.verified} />
                      {b.stationId !== c.stationId && (
                        <Typography.Text type="secondary">{stationName(t, places, b.stationId)}</Typography.Text>
                      )}
                    </Flex>
                  ))}
                </Flex>
              );
            },
          },
          {
            title: t('common.actions'),
            key: 'actions',
            fixed: 'right',
            width: 140,
            render: (_v, c) => (
              <Flex wrap gap={4}>
                <Button size="small" icon={<EyeOutlined />} onClick={() => setViewing(c)} data-testid="code-view">
                  {t('codes.view')}
                </Button>
                <Button size="small" icon={<PrinterOutlined />} onClick={() => setPrinting(c)} data-testid="code-print">
                  {t('codes.print')}
                </Button>
                {canBind && (
                  <Button
                    size="small"
                    icon={<LinkOutlined />}
                    onClick={() => bind(c)}
                    disabled={c.status !== 'active'}
                    data-testid="code-bind"
                  >
                    {t('codes.bind')}
                  </Button>
                )}
                {canManage &&
                  c.status !== 'expired' &&
                  (c.status === 'disabled' ? (
                    <Button size="small" loading={toggling === c.id} onClick={() => void toggle(c)} data-testid="code-enable">
                      {t('codes.enable')}
                    </Button>
                  ) : (
                    <Popconfirm
                      title={t('codes.confirmDisable', { serial: c.serial })}
                      okText={t('codes.disable')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => toggle(c)}
                    >
                      <Button size="small" danger loading={toggling === c.id} data-testid="code-disable">
                        {t('codes.disable')}
                      </Button>
                    </Popconfirm>
                  ))}
              </Flex>
            ),
          },
        ]}
      />

      <CodeDrawer code={viewing} places={places} nameOf={nameOf} onClose={() => setViewing(null)} />
      <PrintCardModal code={printing} onClose={() => setPrinting(null)} />
      {canManage && (
        <>
          <GenerateCodeModal
            open={dialog?.kind === 'generate' || dialog?.kind === 'emv'}
            stores={ownStores}
            stations={places.stations}
            fixedStoreId={fixedStoreId}
            canSetEmv={can(role, 'channel.manage')}
            onSetEmv={() => setDialog({ kind: 'emv' })}
            emvSaved={emvSaved}
            onClose={() => setDialog(null)}
            onDone={async (code) => {
              message.success(t('generate.created', { serial: code.serial }));
              await loaded.reload();
            }}
          />
          <EmvAccountModal
            open={dialog?.kind === 'emv'}
            stores={ownStores}
            onClose={() => setDialog({ kind: 'generate' })}
            onSaved={() => {
              setEmvSaved((n) => n + 1);
              message.success(t('emv.saved'));
            }}
          />
          <UploadCodeModal
            open={dialog?.kind === 'upload'}
            stores={ownStores}
            stations={places.stations}
            fixedStoreId={fixedStoreId}
            onClose={() => setDialog(null)}
            onUploaded={() => loaded.reload()}
            onBind={(code) => {
              setDialog(null);
              bind(code);
            }}
          />
        </>
      )}
    </div>
  );
}
