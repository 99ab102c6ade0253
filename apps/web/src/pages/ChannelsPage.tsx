import { PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Divider, Flex, Row, Skeleton, Tag, Typography } from 'antd';
import { Fragment, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { channelsApi, type WalletAccount } from '../api/channels.ts';
import { api } from '../api/endpoints.ts';
import type { Store } from '../api/types.ts';
import { EmvAccountModal } from '../components/codes/EmvAccountModal.tsx';
import { formatTime } from '../components/format.ts';
import { LoadError } from '../components/LoadError.tsx';
import { useLoad } from '../components/useLoad.ts';
import { AccountPanel } from './channels/AccountPanel.tsx';
import { ALL_STORES, scopeName } from './channels/fields.tsx';
import { SettingsModal, type SettingsTarget } from './channels/SettingsModal.tsx';
import { type Wallet, wallets } from './channels/wallets.ts';

/** Merchant-wide first, then the stores in their own order. */
function byScope(stores: Store[]) {
  const rank = (a: WalletAccount) => (a.storeId === null ? -1 : stores.findIndex((s) => s.id === a.storeId));
  return (a: WalletAccount, b: WalletAccount) => rank(a) - rank(b);
}

type AccountOf<K extends WalletAccount['kind']> = Extract<WalletAccount, { kind: K }>;

function ofKind<K extends WalletAccount['kind']>(accounts: WalletAccount[], kind: K): AccountOf<K>[] {
  return accounts.filter((a): a is AccountOf<K> => a.kind === kind);
}

/** One wallet: whether it is connected, each saved account (merchant-wide, per store), and the way to add one. */
function WalletCard(props: {
  wallet: Wallet;
  accounts: WalletAccount[];
  stores: Store[];
  onSetUp: (target: SettingsTarget) => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { wallet, accounts, stores } = props;
  const state = accounts.some((a) => a.status === 'active') ? 'active' : accounts.length > 0 ? 'disabled' : 'none';
  // A new account goes to the first scope that has none yet: the merchant, then each store.
  const freeScope = [ALL_STORES, ...stores.map((s) => s.id)].find((scope) => !accounts.some((a) => (a.storeId ?? ALL_STORES) === scope));
  const setUpNew = () => props.onSetUp({ wallet, account: null, scope: freeScope ?? ALL_STORES });

  return (
    <Card
      title={
        <Flex align="center" gap={12} wrap>
          <span>{t(`channels.wallet.${wallet.kind}`)}</span>
          <Tag color={state === 'active' ? 'success' : 'default'} data-testid="wallet-state">
            {t(`channels.state.${state}`)}
          </Tag>
        </Flex>
      }
      extra={
        accounts.length > 0 &&
        freeScope !== undefined && (
          <Button icon={<PlusOutlined />} onClick={setUpNew} data-testid="wallet-add">
            {freeScope === ALL_STORES ? t('channels.setUp') : t('channels.addForStore')}
          </Button>
        )
      }
      data-testid={`wallet-${wallet.kind}`}
      style={{ height: '100%' }}
    >
      <Typography.Paragraph type="secondary">{t(`channels.walletIntro.${wallet.kind}`)}</Typography.Paragraph>
      {accounts.length === 0 ? (
        <Flex vertical align="flex-start" gap={16}>
          <Typography.Text data-testid="wallet-not-set">{t('channels.notSet')}</Typography.Text>
          <Button type="primary" size="large" icon={<SettingOutlined />} onClick={setUpNew} data-testid="wallet-set-up">
            {t('channels.setUp')}
          </Button>
        </Flex>
      ) : (
        accounts.map((account, i) => (
          // A re-save mounts the panel afresh: a verdict about the old settings must not linger.
          <Fragment key={`${account.id}:${account.updatedAt}`}>
            {i > 0 && <Divider />}
            <AccountPanel
              wallet={wallet}
              account={account}
              stores={stores}
              onEdit={() => props.onSetUp({ wallet, account, scope: account.storeId ?? ALL_STORES })}
              onChanged={props.onChanged}
            />
          </Fragment>
        ))
      )}
    </Card>
  );
}

/** The UnionPay / EMVCo account EMVCo codes carry: no keys and nothing to check online, so only shown and set. */
function EmvCard(props: { accounts: AccountOf<'unionpay_emv'>[]; stores: Store[]; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  return (
    <Card
      title={t('channels.wallet.unionpay_emv')}
      extra={
        <Button icon={<SettingOutlined />} onClick={() => setOpen(true)} data-testid="emv-set-up">
          {t('channels.setUp')}
        </Button>
      }
      data-testid="wallet-unionpay_emv"
    >
      <Typography.Paragraph type="secondary">{t('channels.walletIntro.unionpay_emv')}</Typography.Paragraph>
      {props.accounts.length === 0 && <Typography.Text>{t('channels.state.none')}</Typography.Text>}
      <Flex vertical gap={16}>
        {props.accounts.map((account) => {
          const c = account.config;
          return (
            <Descriptions
              key={account.id}
              title={t('channels.scopeLine', { scope: scopeName(t, props.stores, account.storeId) })}
              column={{ xs: 1, md: 2 }}
              size="small"
              bordered
              data-testid="emv-account"
            >
              <Descriptions.Item label={t('emv.acquirerIin')}>{c.acquirerIin}</Descriptions.Item>
              <Descriptions.Item label={t('emv.merchantNo')}>{c.merchantNo}</Descriptions.Item>
              <Descriptions.Item label={t('emv.mcc')}>{c.mcc}</Descriptions.Item>
              <Descriptions.Item label={t('emv.nameLatin')}>{c.nameLatin}</Descriptions.Item>
              <Descriptions.Item label={t('emv.city')}>{c.city}</Descriptions.Item>
              <Descriptions.Item label={t('channels.updated')}>{formatTime(account.updatedAt, i18n.language)}</Descriptions.Item>
            </Descriptions>
          );
        })}
      </Flex>
      <EmvAccountModal
        open={open}
        stores={props.stores}
        onClose={() => setOpen(false)}
        onSaved={() => {
          message.success(t('emv.saved'));
          props.onSaved();
        }}
      />
    </Card>
  );
}

/** 支付通道: the shop's own WeChat Pay and Alipay merchant accounts (and the UnionPay/EMV details), set and checked. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [target, setTarget] = useState<SettingsTarget | null>(null);
  const loaded = useLoad(async () => {
    const [channels, stores] = await Promise.all([channelsApi.list(), api.stores()]);
    return { accounts: channels.items, stores: stores.items };
  });
  const stores = useMemo(() => loaded.data?.stores ?? [], [loaded.data]);
  const accounts = useMemo(() => [...(loaded.data?.accounts ?? [])].sort(byScope(stores)), [loaded.data, stores]);
  const reload = () => void loaded.reload();

  return (
    <div data-testid="channels-page">
      <Typography.Title level={2} style={{ marginTop: 0, marginBottom: 8 }}>
        {t('channels.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 880 }}>
        {t('channels.intro')}
      </Typography.Paragraph>
      {loaded.error && <LoadError message={loaded.error} onRetry={reload} />}
      {loaded.loading && !loaded.data ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : (
        loaded.data && (
          <Row gutter={[16, 16]}>
            {Object.values(wallets).map((wallet) => (
              <Col key={wallet.kind} xs={24} xl={12}>
                <WalletCard
                  wallet={wallet}
                  accounts={ofKind(accounts, wallet.kind)}
                  stores={stores}
                  onSetUp={setTarget}
                  onChanged={reload}
                />
              </Col>
            ))}
            <Col span={24}>
              <EmvCard accounts={ofKind(accounts, 'unionpay_emv')} stores={stores} onSaved={reload} />
            </Col>
          </Row>
        )
      )}
      {target && (
        <SettingsModal
          key={`${target.wallet.kind}:${target.account?.id ?? 'new'}`}
          target={target}
          accounts={accounts}
          stores={stores}
          onSaved={() => {
            message.success(t('channels.savedOk', { wallet: t(`channels.wallet.${target.wallet.kind}`) }));
            reload();
          }}
          onClosed={() => setTarget(null)}
        />
      )}
    </div>
  );
}
