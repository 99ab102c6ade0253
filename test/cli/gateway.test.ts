import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { AlipayChannel, validateAlipaySettings, validateWechatPaySettings, WechatPayChannel } from '@paydesk/channels';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Starts `paydesk gateway` and reads the one JSON line it prints once it listens. */
async function startGateway(args: string[]): Promise<{ child: ChildProcess; printed: { wallet: string; url: string; settings: any } }> {
  const child = spawn(process.execPath, ['apps/server/bin/paydesk.js', 'gateway', ...args, '--json'], { cwd: root });
  let out = '';
  child.stdout?.setEncoding('utf8');
  for await (const chunk of child.stdout ?? []) {
    out += chunk;
    if (out.includes('\n')) break;
  }
  return { child, printed: JSON.parse(out.split('\n')[0] ?? '') };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const [code] = await exited;
  return code as number | null;
}

describe('paydesk gateway', () => {
  it('starts a WeChat Pay gateway whose printed settings pass the checks and connect', async () => {
    const { child, printed } = await startGateway(['--wechat']);
    try {
      expect(printed).toMatchObject({ wallet: 'wechatpay', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      const s = printed.settings;
      const check = validateWechatPaySettings({
        mchid: s.mchid,
        appid: s.appid,
        appSecret: s.appSecret,
        merchantPrivateKeyPem: s.privateKeyPem,
        merchantSerialNo: s.certSerial,
        apiV3Key: s.apiV3Key,
        platformPublicKeyPem: s.platformPublicKeyPem,
        platformPublicKeyId: s.platformPublicKeyId,
        baseUrl: s.baseUrl,
      });
      if (!check.ok) throw new Error(JSON.stringify(check.problems));
      expect((await new WechatPayChannel({ credentials: check.credentials }).checkConnection()).verdict).toBe('ok');
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('starts an Alipay gateway whose printed settings pass the checks and connect', async () => {
    const { child, printed } = await startGateway(['--alipay']);
    try {
      expect(printed.settings.gatewayUrl).toBe(`${printed.url}/gateway.do`);
      const check = validateAlipaySettings(printed.settings);
      if (!check.ok) throw new Error(JSON.stringify(check.problems));
      expect((await new AlipayChannel({ settings: check.settings }).checkConnection()).verdict).toBe('ok');
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('wants exactly one of --wechat and --alipay', async () => {
    const child = spawn(process.execPath, ['apps/server/bin/paydesk.js', 'gateway'], { cwd: root });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).not.toBe(0);
    expect(err).toContain('--wechat or --alipay');
  });
});
