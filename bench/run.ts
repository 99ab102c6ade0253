/**
 * Runs every benchmark in bench/ (files named *.bench.ts), one after another, each in its own process so
 * that one's heap and JIT state do not colour the next.
 *
 *   npm run bench [-- [name-filter] [--flags passed to each benchmark]]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const args = process.argv.slice(2);
const filter = args[0] && !args[0].startsWith('--') ? (args.shift() as string) : '';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
if (files.length === 0) console.error(`no bench/*.bench.ts matches "${filter}"`);
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f), ...args], {
    stdio: 'inherit',
    cwd: path.resolve(dir, '..'),
  });
  if (r.status !== 0) failed++;
}
process.exit(failed || files.length === 0 ? 1 : 0);
