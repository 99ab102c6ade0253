import { PlusOutlined } from '@ant-design/icons';
import { canManageStaffMember, type Role } from '@paydesk/domain';
import { Alert, App, Button, Flex, Popconfirm, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/endpoints.ts';
import type { Staff } from '../api/types.ts';
import { formatTime } from '../components/format.ts';
import { LoadError } from '../components/LoadError.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { AddStaffModal, EditStaffModal, ResetSecretModal } from '../components/StaffModals.tsx';
import { useLoad } from '../components/useLoad.ts';
import { useRequiredSession } from '../session/SessionContext.tsx';

type Dialog = { kind: 'add' } | { kind: 'edit'; staff: Staff } | { kind: 'password'; staff: Staff } | { kind: 'pin'; staff: Staff } | null;

const roleColour = { owner: 'gold', manager: 'blue', cashier: 'green' } as const;
const statusColour = { active: 'success', disabled: 'default', pending: 'warning' } as const;

export function StaffPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const session = useRequiredSession();
  const me = session.user;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [toggling, setToggling] = useState<string | null>(null);

  const loaded = useLoad(async () => {
    const [staff, stores] = await Promise.all([api.staff(), api.stores()]);
    return { staff: staff.items, stores: stores.items };
  });
  const stores = useMemo(() => {
    const all = loaded.data?.stores ?? [];
    return me.role === 'manager' ? all.filter((s) => s.id === me.storeId) : all;
  }, [loaded.data, me.role, me.storeId]);
  const storeName = (id: string | null) => (id ? (loaded.data?.stores.find((s) => s.id === id)?.name ?? id) : t('common.none'));

  const assignable: Role[] = me.role === 'owner' ? ['cashier', 'manager', 'owner'] : ['cashier'];
  const fixedStoreId = me.role === 'manager' ? me.storeId : null;
  const mayManage = (s: Staff) => canManageStaffMember(me, s);

  const toggle = async (s: Staff) => {
    if (toggling) return;
    setToggling(s.id);
    try {
      await api.updateStaff(s.id, { status: s.status === 'disabled' ? 'active' : 'disabled' });
      message.success(t('staff.updated'));
      await loaded.reload();
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setToggling(null);
    }
  };

  const done = async () => {
    message.success(t('staff.updated'));
    await loaded.reload();
  };

  return (
    <div data-testid="staff-page">
      <PageHeader title={t('staff.title')}>
        <Button type="primary" size="large" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'add' })} data-testid="staff-add">
          {t('staff.add')}
        </Button>
      </PageHeader>
      {me.role === 'manager' && <Alert type="info" showIcon title={t('staff.managerHint')} style={{ marginBottom: 16 }} />}
      {loaded.error && <LoadError message={loaded.error} onRetry={() => void loaded.reload()} />}
      <Table<Staff>
        rowKey="id"
        loading={loaded.loading && !loaded.data}
        dataSource={loaded.data?.staff ?? []}
        pagination={false}
        scroll={{ x: 1180 }}
        locale={{ emptyText: t('staff.empty') }}
        onRow={(s) => ({ 'data-testid': `staff-row-${s.phone ?? s.id}` }) as object}
        columns={[
          {
            title: t('staff.name'),
            dataIndex: 'name',
            render: (_v, s) => (
              <span>
                {s.name}
                {s.id === me.id && <Typography.Text type="secondary">{t('staff.you')}</Typography.Text>}
              </span>
            ),
          },
          { title: t('staff.phone'), dataIndex: 'phone', width: 140, render: (_v, s) => s.phone ?? t('common.none') },
          { title: t('staff.email'), dataIndex: 'email', ellipsis: true, render: (_v, s) => s.email || t('common.none') },
          {
            title: t('staff.role'),
            dataIndex: 'role',
            render: (_v, s) => <Tag color={roleColour[s.role]}>{t(`roles.${s.role}`)}</Tag>,
          },
          { title: t('staff.store'), dataIndex: 'storeId', render: (_v, s) => storeName(s.storeId) },
          {
            title: t('staff.status'),
            dataIndex: 'status',
            render: (_v, s) => <Tag color={statusColour[s.status]}>{t(`staffStatus.${s.status}`)}</Tag>,
          },
          {
            title: t('staff.pin'),
            dataIndex: 'hasPin',
            render: (_v, s) => (s.hasPin ? <Tag color="success">{t('staff.pinSet')}</Tag> : <Tag>{t('staff.pinNotSet')}</Tag>),
          },
          {
            title: t('stores.createdAt'),
            dataIndex: 'createdAt',
            render: (_v, s) => formatTime(s.createdAt, i18n.language),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            fixed: 'right',
            width: 230,
            render: (_v, s) =>
              mayManage(s) ? (
                <Flex wrap gap={4}>
                  <Button size="small" onClick={() => setDialog({ kind: 'edit', staff: s })}>
                    {t('common.edit')}
                  </Button>
                  {s.id !== me.id &&
                    (s.status === 'disabled' ? (
                      <Button size="small" loading={toggling === s.id} onClick={() => void toggle(s)}>
                        {t('staff.enable')}
                      </Button>
                    ) : (
                      <Popconfirm
                        title={t('staff.confirmDisable', { name: s.name })}
                        okText={t('staff.disable')}
                        cancelText={t('common.cancel')}
                        onConfirm={() => toggle(s)}
                      >
                        <Button size="small" danger loading={toggling === s.id}>
                          {t('staff.disable')}
                        </Button>
                      </Popconfirm>
                    ))}
                  <Button size="small" onClick={() => setDialog({ kind: 'password', staff: s })}>
                    {t('staff.resetPassword')}
                  </Button>
                  <Button size="small" onClick={() => setDialog({ kind: 'pin', staff: s })}>
                    {t('staff.resetPin')}
                  </Button>
                </Flex>
              ) : null,
          },
        ]}
      />
      <AddStaffModal
        open={dialog?.kind === 'add'}
        onClose={() => setDialog(null)}
        onDone={async () => {
          message.success(t('staff.created'));
          await loaded.reload();
        }}
        stores={stores}
        roles={assignable}
        fixedStoreId={fixedStoreId}
      />
      <EditStaffModal
        open={dialog?.kind === 'edit'}
        staff={dialog?.kind === 'edit' ? dialog.staff : null}
        onClose={() => setDialog(null)}
        onDone={done}
        stores={stores}
        roles={assignable}
        fixedStoreId={fixedStoreId}
      />
      <ResetSecretModal
        open={dialog?.kind === 'password' || dialog?.kind === 'pin'}
        kind={dialog?.kind === 'pin' ? 'pin' : 'password'}
        staff={dialog?.kind === 'password' || dialog?.kind === 'pin' ? dialog.staff : null}
        onClose={() => setDialog(null)}
        onDone={done}
      />
    </div>
  );
}
