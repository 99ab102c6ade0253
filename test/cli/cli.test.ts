import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { encodeEmv } from '@paydesk/domain';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderQrPng } from '../../apps/server/src/qr/render.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const paydesk = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['apps/server/bin/paydesk.js', ...args], { cwd: root, env: { ...process.env, ...env } });

describe('paydesk CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'paydesk-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inspects a WeChat personal code, an EMVCo payload and a customer payment code', async () => {
    const wx = JSON.parse((await paydesk(['qr', 'inspect', 'wxp://f2f0abcdefghijkl', '--json'])).stdout);
    expect(wx).toMatchObject({ provider: 'wechat', kind: 'personal', paymentCode: null });
    const emvText = encodeEmv({
      merchantAccounts: [{ tag: '15', value: '48020000898340149000005' }],
      mcc: '5411',
      currency: '156',
      amountFen: 2372,
      country: 'CN',
      merchantName: 'TEST SHOP',
      merchantCity: 'Beijing',
    });
    const emv = JSON.parse((await paydesk(['qr', 'inspect', emvText, '--json'])).stdout);
    expect(emv).toMatchObject({ provider: 'unionpay', kind: 'dynamic', emv: { ok: true, value: { amountFen: 2372 } } });
    const bad = JSON.parse((await paydesk(['qr', 'inspect', `${emvText.slice(0, -1)}0`, '--json'])).stdout);
    expect(bad.emv).toMatchObject({ ok: false, error: { reason: 'bad_crc' } });
    const payer = JSON.parse((await paydesk(['qr', 'inspect', '134567890123456789', '--json'])).stdout);
    expect(payer.paymentCode).toEqual({ wallet: 'wechat', code: '134567890123456789' });
    const human = (await paydesk(['qr', 'inspect', 'https://qr.alipay.com/fkx123'])).stdout;
    expect(human).toContain('provider: alipay');
  });

  it('decodes images as JSON lines, one per file, reporting every code in an image', async () => {
    const one = path.join(dir, 'one.png');
    await sharp({ create: { width: 500, height: 500, channels: 3, background: '#fff' } })
      .composite([{ input: renderQrPng('https://qr.alipay.com/fkx0001', { sizePx: 300 }), left: 100, top: 100 }])
      .png()
      .toFile(one);
    const two = path.join(dir, 'two.png');
    await sharp({ create: { width: 900, height: 450, channels: 3, background: '#fff' } })
      .composite([
        { input: renderQrPng('wxp://f2f0aaaa', { sizePx: 350 }), left: 25, top: 50 },
        { input: renderQrPng('wxp://f2f0bbbb', { sizePx: 350 }), left: 500, top: 50 },
      ])
      .png()
      .toFile(two);
    const junk = path.join(dir, 'junk.png');
    writeFileSync(junk, 'not an image');
    const out = await paydesk(['qr', 'decode', one, two, junk, path.join(dir, 'missing.png'), '--json']).catch(
      (err: { stdout: string; code: number }) => err,
    );
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({
      file: one,
      ok: true,
      text: 'https://qr.alipay.com/fkx0001',
      provider: 'alipay',
      kind: 'personal',
      verdict: 'clear',
      error: null,
    });
    expect(lines[1]).toMatchObject({ file: two, ok: true, verdict: 'multiple_codes' });
    expect(lines[1].codes.map((c: { text: string }) => c.text).sort()).toEqual(['wxp://f2f0aaaa', 'wxp://f2f0bbbb']);
    expect(lines[2]).toMatchObject({ file: junk, ok: false, verdict: 'not_an_image' });
    expect(lines[3]).toMatchObject({ ok: false, error: 'ENOENT' });
    expect((out as { code?: number }).code).toBe(1);
  });

  it('migrates, seeds a demo shop once, and prints the development outbox', async () => {
    const env = { DATA_DIR: dir, PAYDESK_SECRET_KEY: '33'.repeat(32) };
    expect((await paydesk(['migrate'], env)).stdout).toMatch(/applied: 0001-foundation/);
    expect((await paydesk(['migrate'], env)).stdout).toContain('up to date');
    expect((await paydesk(['seed-demo'], env)).stdout).toContain('13900000003');
    expect((await paydesk(['seed-demo'], env)).stdout).toContain('already exists');
    expect((await paydesk(['outbox'], env)).stdout).toBe('');
    // Seeding loads the whole server twice; on a busy 2-core machine that takes a while.
  }, 120_000);
});
