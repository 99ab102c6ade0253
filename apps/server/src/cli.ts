import { migrateToLatest, openDatabase } from '@paydesk/db';
import { Command, Option } from 'commander';
import { type Config, configFromEnv } from './config.ts';
import { version } from './version.ts';

// Each command loads only what it needs: `qr inspect` must not wait for the whole server to load.

interface CommonFlags {
  dataDir?: string;
  databaseUrl?: string;
}

/** Flags win over the environment, which wins over the defaults. */
function configFrom(flags: CommonFlags & { port?: string; host?: string; secretKey?: string }): Config {
  const env = { ...process.env };
  if (flags.port !== undefined) env.PORT = flags.port;
  if (flags.host !== undefined) env.HOST = flags.host;
  if (flags.dataDir !== undefined) env.DATA_DIR = flags.dataDir;
  if (flags.databaseUrl !== undefined) env.DATABASE_URL = flags.databaseUrl;
  if (flags.secretKey !== undefined) env.PAYDESK_SECRET_KEY = flags.secretKey;
  return configFromEnv(env);
}

const dataDirOption = () => new Option('--data-dir <dir>', 'where the SQLite file and secret key live (env DATA_DIR, default ./data)');
const databaseOption = () => new Option('--database-url <url>', 'postgres://… to use PostgreSQL (env DATABASE_URL)');

const program = new Command('paydesk').description('Paydesk 收银台: self-hosted cashier system').version(version);

program
  .command('serve')
  .description('run the server (API and web) on one port')
  .option('--port <port>', 'port to listen on (env PORT, default 3000)')
  .option('--host <host>', 'address to bind (env HOST, default 0.0.0.0)')
  .addOption(dataDirOption())
  .addOption(databaseOption())
  .option('--secret-key <key>', 'key that encrypts secrets at rest: 32 bytes as hex or base64 (env PAYDESK_SECRET_KEY)')
  .action(async (flags) => (await import('./server.ts')).serve(configFrom(flags)));

program
  .command('migrate')
  .description('bring the database schema up to date (the server also does this at start)')
  .addOption(dataDirOption())
  .addOption(databaseOption())
  .action(async (flags: CommonFlags) => {
    const config = configFrom(flags);
    const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const results = await migrateToLatest(db.kysely);
      for (const r of results) console.log(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}`);
      if (results.length === 0) console.log('up to date');
    } finally {
      await db.close();
    }
  });

program
  .command('outbox')
  .description('print the development message outbox (one-time codes, notices) as JSON lines, oldest first')
  .option('--follow', 'keep waiting for new messages')
  .option('--to <address>', 'only messages to this phone or e-mail')
  .addOption(dataDirOption())
  .addOption(databaseOption())
  .action(async (flags: CommonFlags & { follow?: boolean; to?: string }) => {
    const { printOutbox } = await import('./cli/outbox.command.ts');
    await printOutbox(configFrom(flags), { follow: flags.follow === true, to: flags.to });
  });

program
  .command('seed-demo')
  .description('create a demo merchant with a store, a station and staff, for trying things out')
  .addOption(dataDirOption())
  .addOption(databaseOption())
  .action(async (flags: CommonFlags) => {
    const { seedDemo } = await import('./cli/seed-demo.command.ts');
    await seedDemo(configFrom(flags));
  });

program
  .command('gateway')
  .description(
    'run a local WeChat Pay or Alipay gateway on 127.0.0.1 to try channel settings and payments by hand; prints what to paste into the settings',
  )
  .addOption(new Option('--wechat', 'the WeChat Pay (API v3) gateway').conflicts('alipay'))
  .addOption(new Option('--alipay', 'the Alipay open-platform gateway').conflicts('wechat'))
  .option('--port <port>', 'port to listen on (default: any free port)')
  .option(
    '--key <file>',
    'the merchant private key as PEM (WeChat apiclient_key.pem, or the Alipay app private key); generated when absent',
  )
  .option('--json', 'print the URL and the settings as one JSON line')
  .action(async (flags: { wechat?: boolean; alipay?: boolean; port?: string; key?: string; json?: boolean }) => {
    if (!flags.wechat && !flags.alipay) program.error('error: choose a gateway: --wechat or --alipay');
    const port = Number(flags.port ?? '0');
    if (!Number.isInteger(port) || port < 0 || port > 65535) program.error(`error: --port must be 0–65535, got "${flags.port}"`);
    const { runGateway } = await import('./cli/gateway.command.ts');
    await runGateway({ wallet: flags.wechat ? 'wechatpay' : 'alipay', port, keyFile: flags.key, json: flags.json === true });
  });

const qr = program.command('qr').description('read and explain QR codes');
qr.command('decode')
  .description('decode code images: one JSON line per file {file, ok, text, provider, kind, verdict, error}')
  .argument('<images...>', 'PNG, JPEG, WebP or GIF files')
  .option('--json', 'print JSON lines (default: one readable line per file)')
  .action(async (images: string[], flags: { json?: boolean }) => {
    const { decodeFiles } = await import('./cli/qr.command.ts');
    if (!(await decodeFiles(images, flags.json === true))) process.exitCode = 1;
  });
qr.command('inspect')
  .description('explain a code’s text: wallet and kind, EMVCo fields and CRC, or the wallet of a customer payment code')
  .argument('<text>', 'the text inside the QR code')
  .option('--json', 'print one JSON line')
  .action(async (text: string, flags: { json?: boolean }) => (await import('./cli/qr.command.ts')).printInspect(text, flags.json === true));

await program.parseAsync(process.argv);
