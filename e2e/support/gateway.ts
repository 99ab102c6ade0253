/**
 * The local, protocol-faithful gateways of `packages/channels`: started in the test process, so that a
 * test can paste their settings into the console and look into their books; or, as an owner tries
 * things, with `paydesk gateway`, whose printed settings are pasted.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { startWechatPayGateway, type WechatPayGatewayControl } from '../../packages/channels/src/wechatpay/local-gateway.ts';
import { cliPath, repoRoot } from './paths.ts';

/** What an owner pastes into the WeChat Pay settings form to reach the local gateway. */
export interface WechatPayTestAccount {
  url: string;
  mchid: string;
  appid: string;
  appSecret: string;
  privateKeyPem: string;
  certSerial: string;
  apiV3Key: string;
  platformPublicKeyPem: string;
  platformPublicKeyId: string;
}

export interface LocalWechatPay {
  account: WechatPayTestAccount;
  control: WechatPayGatewayControl;
  stop(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A WeChat Pay gateway on loopback that knows one merchant, whose keys this test made. */
export async function startLocalWechatPay(): Promise<LocalWechatPay> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const merchant = {
    mchid: `19${String(Date.now()).slice(-8)}`,
    appid: `wx${hex(8)}`,
    appSecret: hex(16),
    certSerial: hex(20).toUpperCase(),
    apiV3Key: randomBytes(24).toString('base64'),
  };
  const gateway = await startWechatPayGateway({
    merchants: [
      {
        mchid: merchant.mchid,
        appid: merchant.appid,
        appSecret: merchant.appSecret,
        merchantPublicKey: privateKey,
        merchantSerialNo: merchant.certSerial,
        apiV3Key: merchant.apiV3Key,
        name: 'e2e 测试商户',
      },
    ],
  });
  return {
    account: {
      ...merchant,
      url: gateway.url,
      privateKeyPem,
      platformPublicKeyPem: gateway.platformPublicKeyPem,
      platformPublicKeyId: gateway.platformPublicKeyId,
    },
    control: gateway.control,
    stop: () => gateway.close(),
  };
}

/** A `paydesk gateway` process and what it printed: its URL and the settings, by the form's field names. */
export interface GatewayProcess {
  url: string;
  settings: Record<string, string>;
  stop(): Promise<void>;
}

/** Runs `paydesk gateway --wechat|--alipay --json` on a free port and reads the one line it prints once it listens. */
export async function startGatewayProcess(wallet: 'wechat' | 'alipay', timeoutMs = 60_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [cliPath, 'gateway', `--${wallet}`, '--json'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const lines = createInterface({ input: child.stdout });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`paydesk gateway printed nothing in ${timeoutMs} ms`)), timeoutMs);
      lines.once('line', (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      void exited.then(() => reject(new Error(`paydesk gateway exited (code ${child.exitCode}): ${stderr}`)));
    });
    const printed = JSON.parse(line) as { url: string; settings: Record<string, string> };
    return { url: printed.url, settings: printed.settings, stop };
  } catch (err) {
    await stop();
    throw err;
  } finally {
    lines.close();
  }
}
