import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateWechatPaySettings, type WechatPayCredentials, type WechatPaySettingsInput } from './credentials.ts';
import type { WechatPayGateway, WechatPayGatewayMerchant } from './local-gateway.ts';
import { testMerchantKeyPem, testMerchantSerialNo } from './test-merchant.fixture.ts';

/** Test support: one merchant known to the local gateway, and a shop server that receives notifications. */
export const testMerchant = {
  mchid: '1900000001',
  appid: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
  serialNo: testMerchantSerialNo,
};

export function gatewayMerchant(): WechatPayGatewayMerchant {
  return {
    mchid: testMerchant.mchid,
    appid: testMerchant.appid,
    appSecret: testMerchant.appSecret,
    merchantPublicKey: testMerchantKeyPem,
    merchantSerialNo: testMerchant.serialNo,
    apiV3Key: testMerchant.apiV3Key,
    name: '测试小店',
  };
}

export function settingsFor(gateway: WechatPayGateway, patch: Partial<WechatPaySettingsInput> = {}): WechatPaySettingsInput {
  return {
    mchid: testMerchant.mchid,
    appid: testMerchant.appid,
    appSecret: testMerchant.appSecret,
    merchantPrivateKeyPem: testMerchantKeyPem,
    merchantSerialNo: testMerchant.serialNo,
    apiV3Key: testMerchant.apiV3Key,
    platformPublicKeyPem: gateway.platformPublicKeyPem,
    platformPublicKeyId: gateway.platformPublicKeyId,
    baseUrl: gateway.url,
    ...patch,
  };
}

export function credentialsFor(gateway: WechatPayGateway, patch: Partial<WechatPaySettingsInput> = {}): WechatPayCredentials {
  const check = validateWechatPaySettings(settingsFor(gateway, patch));
  if (!check.ok) throw new Error(`test settings refused: ${JSON.stringify(check.problems)}`);
  return check.credentials;
}

export interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A stand-in for the shop's notify route: records what arrives and answers what `answer` decides. */
export async function startReceiver(answer: (r: Received) => Promise<{ status: number; body: string }> | { status: number; body: string }) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      void Promise.resolve(answer(r)).then((ack) => res.writeHead(ack.status).end(ack.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/notify/wechatpay/m1`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
