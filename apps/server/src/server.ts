import { openDatabase } from '@paydesk/db';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';

/** Starts the HTTP server and stops it cleanly on SIGTERM/SIGINT: in-flight requests finish first. */
export async function serve(config: Config): Promise<void> {
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({ config, db });
  const log = app.fastify.log;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await app.fastify.listen({ port: config.port, host: config.host });
  log.info({ dialect: db.dialect, dataDir: config.dataDir }, `Paydesk ${app.ctx.config.publicUrl}`);
}
