import { setTimeout as sleep } from 'node:timers/promises';
import { migrateToLatest, openDatabase, repositories } from '@paydesk/db';
import type { Config } from '../config.ts';

/** One JSON line per message: {to, channel, subject, body, at}, newest last. */
export async function printOutbox(config: Config, options: { follow: boolean; to?: string | undefined }): Promise<void> {
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
  });
  try {
    await migrateToLatest(db.kysely);
    const messages = repositories(db.kysely, db.dialect).devMessages;
    let afterId: string | undefined;
    do {
      const batch = await messages.list({ afterId, to: options.to });
      for (const m of batch) {
        process.stdout.write(
          `${JSON.stringify({ to: m.to_addr, channel: m.channel, subject: m.subject, body: m.body, at: new Date(m.created_at).toISOString() })}\n`,
        );
        afterId = m.id;
      }
      if (options.follow) await sleep(500);
    } while (options.follow && !stop);
  } finally {
    await db.close();
  }
}
