import { ApiOutlined, EditOutlined, StopOutlined } from '@ant-design/icons';
import { channelCheckMessages } from '@paydesk/domain';
import { Alert, App, Button, Descriptions, Flex, Popconfirm, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ConnectionCheck, channelsApi, type WalletAccount } from '../../api/channels.ts';
import type { Store } from '../../api/types.ts';
import { formatTime } from '../../components/format.ts';
import { catalogueLang, scopeName } from './fields.tsx';
import { settingOf, type Wallet } from './wallets.ts';

type Check = { state: 'running' } | { state: 'done'; result: ConnectionCheck } | { state: 'refused'; message: string };

/** The verdict in the user's language as the domain words it, else as the server did. */
function verdictText(kind: Wallet['kind'], result: ConnectionCheck, lang: string): string {
  const known: Record<string, { zh: string; en: string }> = channelCheckMessages[kind];
  const words = Object.hasOwn(known, result.verdict) ? known[result.verdict] : undefined;
  return words ? words[catalogueLang(lang)] : result.message;
}

function CheckResult({ check, wallet }: { check: Check; wallet: Wallet }) {
  const { t, i18n } = useTranslation();
  if (check.state === 'running') {
    return (
      <Alert
        type="info"
        icon={<Spin size="small" />}
        showIcon
        title={t('channels.checking', { wallet: t(`channels.wallet.${wallet.kind}`) })}
        data-testid="check-running"
      />
    );
  }
  const ok = check.state === 'done' && check.result.verdict === 'ok';
  const title = ok ? t('channels.checkOk') : t('channels.checkFailed');
  const said = check.state === 'done' ? verdictText(wallet.kind, check.result, i18n.language) : check.message;
  return (
    <Alert
      type={ok ? 'success' : 'error'}
      showIcon
      title={<strong style={{ fontSize: 17 }}>{title}</strong>}
      description={said === title ? undefined : said}
      data-testid="check-result"
      data-verdict={check.state === 'done' ? check.result.verdict : 'refused'}
    />
  );
}

/** One saved account of a wallet: where it applies, its non-secret settings, 设置 / 检查连接 / 停用 and the check's verdict. */
export function AccountPanel(props: {
  wallet: Wallet;
  account: WalletAccount;
  stores: Store[];
  onEdit: () => void;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { wallet, account } = props;
  const [check, setCheck] = useState<Check | null>(null);
  const [disabling, setDisabling] = useState(false);
  const active = account.status === 'active';
  const scope = scopeName(t, props.stores, account.storeId);
  const walletName = t(`channels.wallet.${wallet.kind}`);

  const runCheck = async () => {
    setCheck({ state: 'running' });
    try {
      setCheck({ state: 'done', result: await channelsApi.check(account.id) });
    } catch (err) {
      setCheck({ state: 'refused', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const disable = async () => {
    setDisabling(true);
    try {
      await channelsApi.disable(account.id);
      message.success(t('channels.disabledOk', { wallet: walletName, scope }));
      props.onChanged();
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setDisabling(false);
    }
  };

  const shownValue = (name: string) => {
    const value = settingOf(wallet, account, name);
    if (value) return <Typography.Text copyable={{ text: value }}>{value}</Typography.Text>;
    // Only the gateway address may be empty: it then means the wallet's live address.
    return <Typography.Text type="secondary">{t('channels.defaultGateway')}</Typography.Text>;
  };

  return (
    <Flex vertical gap={12} data-testid="channel-account" data-store={account.storeId ?? ''} data-status={account.status}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Text strong data-testid="channel-scope">
          {t('channels.scopeLine', { scope })}
        </Typography.Text>
        <Tag color={active ? 'success' : 'default'} data-testid="channel-status">
          {active ? t('channels.state.active') : t('channels.state.disabled')}
        </Tag>
      </Flex>
      <Descriptions column={1} size="small" bordered>
        {wallet.shown.map((name) => (
          <Descriptions.Item key={name} label={t(`channels.field.${name}.label`)}>
            <span data-testid={`channel-setting-${name}`}>{shownValue(name)}</span>
          </Descriptions.Item>
        ))}
        {wallet.fields
          .filter((f) => f.kept && !f.optional)
          .map((f) => (
            <Descriptions.Item key={f.name} label={t(`channels.field.${f.name}.label`)}>
              <Typography.Text type="secondary">{t('channels.secretSaved')}</Typography.Text>
            </Descriptions.Item>
          ))}
      </Descriptions>
      {wallet.fields.some((f) => f.liveDefault && settingOf(wallet, account, f.name)) && (
        <Alert type="warning" showIcon title={t('channels.notLive', { wallet: walletName })} data-testid="channel-not-live" />
      )}
      <Typography.Text type="secondary" data-testid="channel-updated">
        {t('channels.updatedAt', { time: formatTime(account.updatedAt, i18n.language) })}
      </Typography.Text>
      <Flex gap={8} wrap>
        <Button size="large" icon={<EditOutlined />} onClick={props.onEdit} data-testid="channel-edit">
          {t('channels.setUp')}
        </Button>
        {active && (
          <Button
            size="large"
            type="primary"
            icon={<ApiOutlined />}
            loading={check?.state === 'running'}
            onClick={() => void runCheck()}
            data-testid="channel-check"
          >
            {t('channels.checkConnection')}
          </Button>
        )}
        {active && (
          <Popconfirm
            title={t('channels.confirmDisable', { wallet: walletName, scope })}
            okText={t('channels.disable')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true, size: 'large' }}
            cancelButtonProps={{ size: 'large' }}
            onConfirm={() => disable()}
          >
            <Button size="large" danger icon={<StopOutlined />} loading={disabling} data-testid="channel-disable">
              {t('channels.disable')}
            </Button>
          </Popconfirm>
        )}
      </Flex>
      {/* Announced to screen readers as it changes: the verdict is the point of the button. */}
      <div aria-live="polite">{check && <CheckResult check={check} wallet={wallet} />}</div>
    </Flex>
  );
}
