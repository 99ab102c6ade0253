import { DesktopOutlined, PayCircleOutlined, SwapOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Empty, Flex, Modal, Row, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/endpoints.ts';
import type { StationUser } from '../api/types.ts';
import { FormError, serverErrorMessage, useSubmit } from '../components/forms.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { PinPad } from '../components/PinPad.tsx';
import { useLoad } from '../components/useLoad.ts';
import { useRequiredSession, useSession } from '../session/SessionContext.tsx';

function ChooseStation({ onCancel }: { onCancel?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { signedIn } = useSession();
  const { busy, run } = useSubmit();
  const [pending, setPending] = useState<string | null>(null);
  const loaded = useLoad(async () => {
    const [stores, stations] = await Promise.all([api.stores(), api.stations()]);
    return { stores: stores.items, stations: stations.items };
  });

  const open = (id: string, name: string) =>
    run(async () => {
      setPending(id);
      try {
        signedIn(await api.openStation(id));
        message.success(t('station.opened', { name }));
        onCancel?.();
      } catch (err) {
        message.error(serverErrorMessage(err));
      } finally {
        setPending(null);
      }
    });

  if (loaded.error) return <LoadError message={loaded.error} onRetry={() => void loaded.reload()} />;
  if (!loaded.data) return <Skeleton active />;
  const { stores, stations } = loaded.data;
  if (stations.length === 0) return <Empty description={t('station.noStations')} />;
  return (
    <Flex vertical gap={16}>
      <Typography.Text>{t('station.choose')}</Typography.Text>
      {stores
        .filter((store) => stations.some((s) => s.storeId === store.id))
        .map((store) => (
          <div key={store.id}>
            <Typography.Title level={5}>{store.name}</Typography.Title>
            <Row gutter={[12, 12]}>
              {stations
                .filter((s) => s.storeId === store.id)
                .map((s) => (
                  <Col key={s.id} xs={24} sm={12} lg={8}>
                    <Button
                      block
                      size="large"
                      icon={<DesktopOutlined />}
                      style={{ height: 64, fontSize: 18 }}
                      loading={pending === s.id}
                      disabled={busy && pending !== s.id}
                      onClick={() => void open(s.id, s.name)}
                      data-testid="station-option"
                    >
                      {s.name}
                    </Button>
                  </Col>
                ))}
            </Row>
          </div>
        ))}
      {onCancel && (
        <Button size="large" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      )}
    </Flex>
  );
}

function SwitchUserModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { signedIn } = useSession();
  const [picked, setPicked] = useState<StationUser | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useSubmit();
  const users = useLoad(() => (open ? api.stationUsers() : Promise.resolve({ items: [] })), String(open));

  const close = () => {
    setPicked(null);
    setPin('');
    setError(null);
    onClose();
  };

  const submit = () =>
    run(async () => {
      if (!picked || !/^\d{4,6}$/.test(pin)) {
        setError(t('validation.pin.format'));
        return;
      }
      setError(null);
      try {
        signedIn(await api.switchUser(picked.id, pin));
        message.success(t('station.switched', { name: picked.name }));
        close();
      } catch (err) {
        setPin('');
        setError(serverErrorMessage(err));
      }
    });

  return (
    <Modal
      open={open}
      title={picked ? t('station.enterPin', { name: picked.name }) : t('station.pickUser')}
      onCancel={close}
      footer={null}
      destroyOnHidden
      width={420}
    >
      {!picked ? (
        users.error ? (
          <LoadError message={users.error} onRetry={() => void users.reload()} />
        ) : users.loading && !users.data?.items.length ? (
          <Skeleton active />
        ) : (users.data?.items.length ?? 0) === 0 ? (
          <Empty description={t('station.noUsers')} />
        ) : (
          <Flex vertical gap={8}>
            {users.data?.items.map((u) => (
              <Button
                key={u.id}
                block
                size="large"
                icon={<UserOutlined />}
                style={{ height: 56, justifyContent: 'flex-start' }}
                disabled={!u.hasPin}
                onClick={() => setPicked(u)}
                data-testid="switch-user-option"
              >
                <span>{u.name}</span>
                <Tag style={{ marginInlineStart: 8 }}>{t(`roles.${u.role}`)}</Tag>
                {!u.hasPin && <Typography.Text type="secondary">{t('station.noPin')}</Typography.Text>}
              </Button>
            ))}
          </Flex>
        )
      ) : (
        <Flex vertical gap={12}>
          <PinPad
            value={pin}
            onChange={(v) => {
              setPin(v);
              setError(null);
            }}
            onEnter={() => void submit()}
            disabled={busy}
          />
          <FormError message={error} />
          <Flex gap={8}>
            <Button
              size="large"
              style={{ flex: 1 }}
              onClick={() => {
                setPicked(null);
                setPin('');
                setError(null);
              }}
            >
              {t('common.back')}
            </Button>
            <Button
              type="primary"
              size="large"
              style={{ flex: 2 }}
              loading={busy}
              onClick={() => void submit()}
              data-testid="switch-user-submit"
            >
              {t('station.confirmSwitch')}
            </Button>
          </Flex>
        </Flex>
      )}
    </Modal>
  );
}

export function StationPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const navigate = useNavigate();
  const [switching, setSwitching] = useState(false);
  const [changing, setChanging] = useState(false);
  const station = session.station;

  return (
    <div data-testid="station-page">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('station.title')}
      </Typography.Title>
      {!station || changing ? (
        <Card>
          <ChooseStation onCancel={station ? () => setChanging(false) : undefined} />
        </Card>
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={10}>
            <Card>
              <Flex vertical gap={12}>
                <div>
                  <Typography.Text type="secondary">{t('station.current')}</Typography.Text>
                  <Typography.Title level={3} style={{ margin: 0 }} data-testid="station-current">
                    {station.name}
                  </Typography.Title>
                </div>
                <div>
                  <Typography.Text type="secondary">{t('station.signedIn')}</Typography.Text>
                  <Typography.Title level={3} style={{ margin: 0 }} data-testid="station-user">
                    {session.user.name} <Tag>{t(`roles.${session.user.role}`)}</Tag>
                  </Typography.Title>
                </div>
                <Button
                  type="primary"
                  size="large"
                  icon={<SwapOutlined />}
                  style={{ height: 72, fontSize: 22 }}
                  onClick={() => setSwitching(true)}
                  data-testid="switch-user"
                >
                  {t('station.switchUser')}
                </Button>
                <Button size="large" onClick={() => setChanging(true)} data-testid="change-station">
                  {t('station.changeStation')}
                </Button>
              </Flex>
            </Card>
          </Col>
          <Col xs={24} lg={14}>
            <Card title={t('station.sellingTitle')} style={{ height: '100%' }}>
              <Flex vertical gap={12}>
                <Typography.Text type="secondary">{t('cashier.stationHint')}</Typography.Text>
                <Button
                  type="primary"
                  size="large"
                  icon={<PayCircleOutlined />}
                  style={{ height: 72, fontSize: 22 }}
                  onClick={() => navigate('/cashier')}
                  data-testid="station-go-cashier"
                >
                  {t('cashier.goCashier')}
                </Button>
              </Flex>
            </Card>
          </Col>
        </Row>
      )}
      <SwitchUserModal open={switching} onClose={() => setSwitching(false)} />
    </div>
  );
}
