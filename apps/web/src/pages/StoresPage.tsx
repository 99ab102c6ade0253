import { DesktopOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { can } from '@paydesk/domain';
import { Alert, App, Button, Card, Empty, Flex, Skeleton, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/endpoints.ts';
import type { Station, Store } from '../api/types.ts';
import { formatTime } from '../components/format.ts';
import { LoadError } from '../components/LoadError.tsx';
import { TextFieldsModal } from '../components/NameModal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useLoad } from '../components/useLoad.ts';
import { useRequiredSession } from '../session/SessionContext.tsx';

type Dialog = { kind: 'store'; store?: Store } | { kind: 'station'; storeId: string; station?: Station } | null;

export function StoresPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const session = useRequiredSession();
  const role = session.user.role;
  const canManageStores = can(role, 'store.manage');
  const canManageStations = can(role, 'station.manage');
  const [dialog, setDialog] = useState<Dialog>(null);

  const loaded = useLoad(async () => {
    const [stores, stations] = await Promise.all([api.stores(), api.stations()]);
    return { stores: stores.items, stations: stations.items };
  });

  const stores = useMemo(() => {
    const all = loaded.data?.stores ?? [];
    // A manager runs one store; the server limits the list too.
    return role === 'manager' ? all.filter((s) => s.id === session.user.storeId) : all;
  }, [loaded.data, role, session.user.storeId]);
  const stationsOf = (storeId: string) => (loaded.data?.stations ?? []).filter((s) => s.storeId === storeId);

  const storeInitial = useMemo(
    () => (dialog?.kind === 'store' && dialog.store ? { name: dialog.store.name, address: dialog.store.address } : undefined),
    [dialog],
  );
  const stationInitial = useMemo(
    () => (dialog?.kind === 'station' && dialog.station ? { name: dialog.station.name } : undefined),
    [dialog],
  );

  return (
    <div data-testid="stores-page">
      <PageHeader title={t('stores.title')}>
        {canManageStores && (
          <Button type="primary" size="large" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'store' })} data-testid="store-add">
            {t('stores.add')}
          </Button>
        )}
      </PageHeader>
      {role === 'manager' && <Alert type="info" showIcon title={t('stores.managerHint')} style={{ marginBottom: 16 }} />}
      {loaded.error && <LoadError message={loaded.error} onRetry={() => void loaded.reload()} />}
      {loaded.loading && !loaded.data ? (
        <Skeleton active />
      ) : stores.length === 0 ? (
        <Card>
          <Empty description={t('stores.empty')} />
        </Card>
      ) : (
        <Flex vertical gap={16}>
          {stores.map((store) => (
            <Card
              key={store.id}
              data-testid="store-card"
              title={<span data-testid="store-name">{store.name}</span>}
              extra={
                canManageStores && (
                  <Button icon={<EditOutlined />} size="large" onClick={() => setDialog({ kind: 'store', store })} data-testid="store-edit">
                    {t('common.edit')}
                  </Button>
                )
              }
            >
              <Typography.Paragraph>
                <Typography.Text type="secondary">{t('stores.address')}：</Typography.Text>
                <span data-testid="store-address">{store.address}</span>
                <Typography.Text type="secondary" style={{ marginInlineStart: 24 }}>
                  {t('stores.createdAt')}：{formatTime(store.createdAt, i18n.language)}
                </Typography.Text>
              </Typography.Paragraph>
              <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {t('stores.stations')}
                </Typography.Title>
                {canManageStations && (
                  <Button
                    icon={<PlusOutlined />}
                    size="large"
                    onClick={() => setDialog({ kind: 'station', storeId: store.id })}
                    data-testid="station-add"
                  >
                    {t('stores.addStation')}
                  </Button>
                )}
              </Flex>
              <Table<Station>
                size="middle"
                bordered
                rowKey="id"
                pagination={false}
                dataSource={stationsOf(store.id)}
                locale={{ emptyText: t('stores.noStations') }}
                onRow={() => ({ 'data-testid': 'station-row' }) as object}
                columns={[
                  {
                    title: t('stores.stationName'),
                    dataIndex: 'name',
                    render: (_v, station) => (
                      <Flex gap={8} align="center">
                        <DesktopOutlined />
                        <span data-testid="station-name">{station.name}</span>
                      </Flex>
                    ),
                  },
                  {
                    title: t('stores.createdAt'),
                    dataIndex: 'createdAt',
                    width: 200,
                    render: (_v, station) => formatTime(station.createdAt, i18n.language),
                  },
                  ...(canManageStations
                    ? [
                        {
                          title: t('common.actions'),
                          key: 'actions',
                          width: 140,
                          render: (_v: unknown, station: Station) => (
                            <Button onClick={() => setDialog({ kind: 'station', storeId: store.id, station })} data-testid="station-rename">
                              {t('stores.rename')}
                            </Button>
                          ),
                        },
                      ]
                    : []),
                ]}
              />
            </Card>
          ))}
        </Flex>
      )}

      <TextFieldsModal
        open={dialog?.kind === 'store'}
        title={dialog?.kind === 'store' && dialog.store ? t('stores.edit') : t('stores.add')}
        initial={storeInitial}
        okTestId="store-save"
        fields={[
          { name: 'name', label: t('stores.name'), max: 50, testId: 'store-name-input' },
          { name: 'address', label: t('stores.address'), max: 200, testId: 'store-address-input' },
        ]}
        onClose={() => setDialog(null)}
        submit={async (v, key) => {
          const body = { name: v.name ?? '', address: v.address ?? '' };
          if (dialog?.kind === 'store' && dialog.store) {
            await api.updateStore(dialog.store.id, body);
            message.success(t('common.saved'));
          } else {
            await api.createStore(body, key);
            message.success(t('stores.created'));
          }
          await loaded.reload();
        }}
      />
      <TextFieldsModal
        open={dialog?.kind === 'station'}
        title={dialog?.kind === 'station' && dialog.station ? t('stores.renameStation') : t('stores.addStation')}
        initial={stationInitial}
        okTestId="station-save"
        fields={[
          {
            name: 'name',
            label: t('stores.stationName'),
            max: 50,
            placeholder: t('stores.stationNamePlaceholder'),
            testId: 'station-name-input',
          },
        ]}
        onClose={() => setDialog(null)}
        submit={async (v, key) => {
          if (dialog?.kind !== 'station') return;
          if (dialog.station) {
            await api.renameStation(dialog.station.id, v.name ?? '');
            message.success(t('common.saved'));
          } else {
            await api.createStation({ storeId: dialog.storeId, name: v.name ?? '' }, key);
            message.success(t('stores.stationCreated'));
          }
          await loaded.reload();
        }}
      />
    </div>
  );
}
