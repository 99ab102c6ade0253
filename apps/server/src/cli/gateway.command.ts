import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startAlipayGateway, startWechatPayGateway } from '@paydesk/channels';

export interface GatewayFlags {
  wallet: 'wechatpay' | 'alipay';
  port: number;
  /** A PEM file with the merchant's private key (WeChat: apiclient_key.pem; Alipay: the app private key). */
  keyFile?: string | undefined;
  json: boolean;
}

interface Started {
  /** What the owner pastes into the settings form, by the form's (and the API's) field names. */
  settings: Record<string, string>;
  url: string;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const alphanumeric = (length: number) => {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length }, () => letters[randomInt(letters.length)]).join('');
};
const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

function merchantKey(keyFile: string | undefined): KeyObject {
  return keyFile ? createPrivateKey(readFileSync(keyFile, 'utf8')) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

async function wechat(flags: GatewayFlags): Promise<Started> {
  const key = merchantKey(flags.keyFile);
  const merchant = {
    mchid: '1900000001',
    appid: `wx${hex(8)}`,
    appSecret: hex(16),
    merchantSerialNo: hex(20).toUpperCase(),
    apiV3Key: alphanumeric(32),
  };
  const gateway = await startWechatPayGateway({
    port: flags.port,
    merchants: [{ ...merchant, merchantPublicKey: key, name: '本地测试商户' }],
  });
  return {
    url: gateway.url,
    settings: {
      mchid: merchant.mchid,
      appid: merchant.appid,
      appSecret: merchant.appSecret,
      privateKeyPem: pkcs8(key),
      certSerial: merchant.merchantSerialNo,
      apiV3Key: merchant.apiV3Key,
      platformPublicKeyPem: gateway.platformPublicKeyPem,
      platformPublicKeyId: gateway.platformPublicKeyId,
      baseUrl: gateway.url,
    },
    close: () => gateway.close(),
  };
}

async function alipay(flags: GatewayFlags): Promise<Started> {
  const key = merchantKey(flags.keyFile);
  const appId = `2021${String(randomInt(1e12)).padStart(12, '0')}`;
  const gateway = await startAlipayGateway({
    port: flags.port,
    apps: [{ appId, appPublicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString() }],
  });
  return {
    url: gateway.url,
    settings: { appId, appPrivateKey: pkcs8(key), alipayPublicKey: gateway.alipayPublicKeyPem, gatewayUrl: gateway.gatewayUrl },
    close: () => gateway.close(),
  };
}

const labels: Record<string, string> = {
  mchid: '商户号',
  appid: 'AppID',
  appSecret: 'AppSecret',
  certSerial: '商户证书序列号',
  apiV3Key: 'APIv3 密钥',
  platformPublicKeyId: '微信支付公钥 ID',
  baseUrl: '网关地址（高级设置）',
  privateKeyPem: '商户 API 私钥',
  platformPublicKeyPem: '微信支付公钥',
  appId: 'APPID',
  gatewayUrl: '网关地址（高级设置）',
  appPrivateKey: '应用私钥',
  alipayPublicKey: '支付宝公钥',
};

function instructions(flags: GatewayFlags, started: Started): string {
  const title = flags.wallet === 'wechatpay' ? '微信支付本地网关 · WeChat Pay local gateway' : '支付宝本地网关 · Alipay local gateway';
  const short = Object.entries(started.settings).filter(([, v]) => !v.includes('\n'));
  const long = Object.entries(started.settings).filter(([, v]) => v.includes('\n'));
  const codes =
    flags.wallet === 'wechatpay'
      ? '付款码 payment codes: 18 digits starting 10–15 (e.g. 134567890123456789) pay at once up to ¥1000; above that the payer "enters the password" on the gateway page.'
      : '付款码 payment codes: 16–24 digits starting 25–30 (e.g. 281234567890123456) pay at once.';
  return [
    `${title}: ${started.url}`,
    '',
    `Paste into 支付通道 → ${flags.wallet === 'wechatpay' ? '微信支付' : '支付宝'} (the fields of PUT /api/channels/${flags.wallet}):`,
    ...short.map(([field, value]) => `  ${labels[field] ?? field} (${field}): ${value}`),
    ...long.map(([field, value]) => `\n  ${labels[field] ?? field} (${field}):\n${value.trimEnd()}`),
    '',
    `Orders waiting for a payer: ${started.url}/ (pay or fail them there). ${codes}`,
    'These keys are for this gateway only: it forgets everything when it stops. Ctrl-C to stop.',
    '',
  ].join('\n');
}

/** `paydesk gateway`: a local WeChat Pay or Alipay gateway to try the settings and payments by hand, until Ctrl-C. */
export async function runGateway(flags: GatewayFlags): Promise<void> {
  const started = flags.wallet === 'wechatpay' ? await wechat(flags) : await alipay(flags);
  process.stdout.write(
    flags.json
      ? `${JSON.stringify({ wallet: flags.wallet, url: started.url, settings: started.settings })}\n`
      : instructions(flags, started),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await started.close();
}
