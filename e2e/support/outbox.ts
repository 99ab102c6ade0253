import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliPath, repoRoot } from './paths.ts';

const run = promisify(execFile);

export interface OutboxMessage {
  to: string;
  channel: string;
  subject: string | null;
  body: string;
  at: string | number;
}

function dataDir(): string {
  const dir = process.env.PAYDESK_DATA_DIR;
  if (!dir) throw new Error('PAYDESK_DATA_DIR is not set; the global setup did not run');
  return dir;
}

/** The development outbox, oldest first, read the way a developer would: with the CLI. */
export async function readOutbox(): Promise<OutboxMessage[]> {
  const { stdout } = await run(process.execPath, [cliPath, 'outbox', '--data-dir', dataDir()], {
    cwd: repoRoot,
    timeout: 60_000,
  });
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as OutboxMessage);
}

const digits = (s: string) => s.replace(/\D/g, '');

function isFor(message: OutboxMessage, to: string): boolean {
  if (message.to === to) return true;
  // A phone may be stored with a country code.
  return /^\+?\d[\d\s-]*$/.test(to) && digits(message.to).endsWith(digits(to));
}

/**
 * Waits for a message to `to` that arrived after the first `skip` messages of the outbox,
 * and returns the 6-digit code in its body.
 */
export async function waitForCode(to: string, skip: number, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen: OutboxMessage[] = [];
  while (Date.now() < deadline) {
    seen = await readOutbox();
    const message = seen
      .slice(skip)
      .filter((m) => isFor(m, to))
      .at(-1);
    const code = message?.body.match(/(?<!\d)(\d{6})(?!\d)/)?.[1];
    if (code) return code;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`No code for ${to} in the outbox after ${timeoutMs} ms; last messages: ${JSON.stringify(seen.slice(-3))}`);
}
