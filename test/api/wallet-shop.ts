import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AlipayGateway, startAlipayGateway, startWechatPayGateway, type WechatPayGateway } from '@paydesk/channels';
import type { Dialect } from '@paydesk/db';
import { shopAtCounter } from '../support/checkout.ts';
import type { HttpClient } from '../support/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A shop whose server listens on loopback behind a recording relay, with the local WeChat Pay and Alipay
 * gateways running beside it on the test app's clock, and the merchant keys the owner pastes into the
 * settings. Keys are made once per test file: RSA key generation is the slow part.
 */
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
export const keys = { merchant: rsa(), alipayApp: rsa(), stranger: rsa() };
export const pem = {
  privateKey: (k: { privateKey: KeyObject }) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  publicKey: (k: { publicKey: KeyObject }) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};

export const wechatMerchant = {
  mchid: '1900000001',
  appid: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
  certSerial: '5A1C3E5F7B9D0F2468ACE13579BDF02468ACE135',
};
/** A second merchant ID of the same business, for a store with an account of its own. */
export const secondMchid = '1900000002';
export const alipayAppId = '2021000000000001';

/** A port nobody listens on: addresses that must be unreachable. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Stands where PUBLIC_URL points, as a reverse proxy would, and passes every request on to the app. It
 * keeps what the gateways post to the notify routes, so a test can replay, tamper with or forge them;
 * while `holding`, it keeps them without passing them on (the app never hears of them).
 */
async function startRelay(appPort: number) {
  const notifications: Recorded[] = [];
  const relay = { holding: false, notifications };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      if (url.startsWith('/api/notify/')) {
        notifications.push({ method: req.method ?? 'POST', url, headers: req.headers, body: body.toString('utf8') });
        if (relay.holding) {
          res.writeHead(503).end();
          return;
        }
      }
      const upstream = httpRequest({ host: '127.0.0.1', port: appPort, method: req.method, path: url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { relay, url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The server's secret key in these tests, to look for in the logs too. */
export const serverSecretKey = '5e'.repeat(32);

export interface WalletShop {
  t: TestApp;
  /** Every line the app logged, at trace level. */
  logs: string[];
  wechat: WechatPayGateway;
  alipay: AlipayGateway;
  relay: { holding: boolean; notifications: Recorded[] };
  shop: Awaited<ReturnType<typeof shopAtCounter>>;
  owner: HttpClient;
  close(): Promise<void>;
}

export async function startWalletShop(dialect: Dialect): Promise<WalletShop> {
  // The relay must know the app's port, and the app its public URL (the relay's) before it starts.
  const appPort = await freePort();
  const front = await startRelay(appPort);
  const logs: string[] = [];
  const t = await createTestApp(dialect, { secretKey: serverSecretKey, publicUrl: front.url }, { logs });
  await t.app.fastify.listen({ port: appPort, host: '127.0.0.1' });
  const now = () => t.clock.now;
  const wechatAccount = {
    appid: wechatMerchant.appid,
    appSecret: wechatMerchant.appSecret,
    merchantPublicKey: pem.publicKey(keys.merchant),
    merchantSerialNo: wechatMerchant.certSerial,
    apiV3Key: wechatMerchant.apiV3Key,
  };
  const wechat = await startWechatPayGateway({
    merchants: [
      { ...wechatAccount, mchid: wechatMerchant.mchid, name: '测试便利店' },
      { ...wechatAccount, mchid: secondMchid, name: '测试便利店二号店' },
    ],
    now,
    // A refused notification is not retried behind the test's back; tests resend on purpose.
    retryDelaysMs: [],
  });
  const alipay = await startAlipayGateway({
    apps: [{ appId: alipayAppId, appPublicKeyPem: pem.publicKey(keys.alipayApp) }],
    now,
    notifyTickMs: 60_000,
  });
  const shop = await shopAtCounter(t);
  return {
    t,
    wechat,
    alipay,
    relay: front.relay,
    shop,
    owner: shop.owner.client,
    logs,
    async close() {
      await wechat.close();
      await alipay.close();
      await t.close();
      await front.close();
    },
  };
}

/** The WeChat Pay settings form as an owner fills it in for the local gateway. */
export function wechatSettings(gateway: WechatPayGateway, patch: Record<string, unknown> = {}) {
  return {
    mchid: wechatMerchant.mchid,
    appid: wechatMerchant.appid,
    appSecret: wechatMerchant.appSecret,
    privateKeyPem: pem.privateKey(keys.merchant),
    certSerial: wechatMerchant.certSerial,
    apiV3Key: wechatMerchant.apiV3Key,
    platformPublicKeyPem: gateway.platformPublicKeyPem,
    platformPublicKeyId: gateway.platformPublicKeyId,
    baseUrl: gateway.url,
    ...patch,
  };
}

/** The Alipay settings form: the app private key as the key tool shows it (a bare Base64 body). */
export function alipaySettings(gateway: AlipayGateway, patch: Record<string, unknown> = {}) {
  return {
    appId: alipayAppId,
    appPrivateKey: keys.alipayApp.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'),
    alipayPublicKey: gateway.alipayPublicKeyPem,
    gatewayUrl: gateway.gatewayUrl,
    ...patch,
  };
}
