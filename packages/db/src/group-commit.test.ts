import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './connect.ts';
import { WalGroupCommit } from './group-commit.ts';
import { migrateToLatest } from './migrate.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('WalGroupCommit', () => {
  it('answers at once when nothing was written since the last sync', async () => {
    const gc = new WalGroupCommit('/nonexistent/never-opened-wal');
    await expect(gc.durable()).resolves.toBeUndefined();
  });

  it('shares one fsync among every caller that committed while the previous one ran', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pd-gc-'));
    dirs.push(dir);
    const db = openDatabase({ dataDir: dir });
    await migrateToLatest(db.kysely);
    const gc = new WalGroupCommit(`${db.file}-wal`);
    const sync = vi.spyOn(gc as unknown as { fsync(): Promise<void> }, 'fsync');
    gc.noteWrite();
    const first = gc.durable();
    // Three commits land while the first fsync runs: they need a second one, and share it.
    gc.noteWrite();
    const waiting = [gc.durable(), gc.durable(), gc.durable()];
    gc.noteWrite();
    waiting.push(gc.durable());
    await Promise.all([first, ...waiting]);
    expect(sync).toHaveBeenCalledTimes(2);
    // Nothing new: no third fsync.
    await gc.durable();
    expect(sync).toHaveBeenCalledTimes(2);
    await gc.close();
    await db.close();
  });

  it('treats a database without a WAL, or a closed one, as durable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pd-gc-'));
    dirs.push(dir);
    const gc = new WalGroupCommit(path.join(dir, 'absent.sqlite-wal'));
    gc.noteWrite();
    await expect(gc.durable()).resolves.toBeUndefined();
    gc.noteWrite();
    await gc.close();
    await expect(gc.durable()).resolves.toBeUndefined();
  });

  it('makes an app database durable after writes, through openDatabase', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pd-gc-'));
    dirs.push(dir);
    const db = openDatabase({ dataDir: dir });
    await migrateToLatest(db.kysely);
    await db.kysely.insertInto('rate_limits').values({ key: 'k', window_start: 1, count: 1 }).execute();
    await expect(db.durable()).resolves.toBeUndefined();
    await db.close();
    await expect(db.durable()).resolves.toBeUndefined();
  });
});
