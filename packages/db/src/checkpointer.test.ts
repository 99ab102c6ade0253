import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './connect.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pd-ckpt-'));
  dirs.push(dir);
  return dir;
}

/** Rows the database file holds by itself, as a copy without its WAL would show them. */
function rowsInMainFile(file: string): number {
  const copy = `${file}.copy`;
  copyFileSync(file, copy);
  const db = new SQLite(copy, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from t').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('WalCheckpointer', () => {
  it('moves committed rows from the WAL into the database file without the main connection checkpointing', async () => {
    const db = openDatabase({ dataDir: scratchDir() });
    const file = db.file ?? '';
    await sql`create table t (id integer primary key, v text)`.execute(db.kysely);
    // Far below wal_autocheckpoint: only the checkpointer thread can have copied these pages.
    for (let i = 0; i < 50; i += 1) await sql`insert into t (v) values (${'x'.repeat(100)})`.execute(db.kysely);
    await expect.poll(() => rowsInMainFile(file), { timeout: 5000, interval: 50 }).toBe(50);
    await db.close();
  });

  it('lets the database close cleanly: the WAL folded in and removed, the rows there on reopening', async () => {
    const dir = scratchDir();
    const db = openDatabase({ dataDir: dir });
    await sql`create table t (id integer primary key)`.execute(db.kysely);
    await sql`insert into t default values`.execute(db.kysely);
    await db.close();
    expect(existsSync(`${db.file}-wal`)).toBe(false);
    expect(rowsInMainFile(db.file ?? '')).toBe(1);

    const reader = openDatabase({ dataDir: dir });
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(reader.kysely);
    expect(rows[0]?.n).toBe(1);
    await reader.close();
  });
});
