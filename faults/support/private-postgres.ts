import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process.ts';

const run = promisify(execFile);
const installed = '/usr/lib/postgresql';

/**
 * A PostgreSQL server of the test's own: initdb in a temporary directory, on its own port. The test stops
 * and starts it under load; restarting the shared cluster instead would cut off every other user of this
 * machine (and every other test run) along with us.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    private readonly port: number,
  ) {}

  /** postgres://… of a role that may create databases (the superuser of this server; trust, on loopback only). */
  get adminUrl(): string {
    return `postgres://paydesk@127.0.0.1:${this.port}/postgres`;
  }

  /** Why this machine cannot run one, or undefined if it can. */
  static unavailableReason(): string | undefined {
    if (!binDir()) return `no PostgreSQL server under ${installed}`;
    if (userInfo().uid === 0 && !existsSync('/usr/sbin/runuser'))
      return 'running as root without runuser to start PostgreSQL as "postgres"';
    if (userInfo().uid === 0 && !postgresUser()) return 'running as root and there is no "postgres" user to run PostgreSQL as';
    return undefined;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = binDir();
    if (!bin) throw new Error(PrivatePostgres.unavailableReason());
    const dir = mkdtempSync(path.join(tmpdir(), 'paydesk-faults-pg-'));
    const owner = postgresUser();
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const server = new PrivatePostgres(bin, dir, await freePort());
    await server.pg('initdb', ['-D', path.join(dir, 'data'), '-U', 'paydesk', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await server.startServer();
    return server;
  }

  /** `fast`: what an operator's restart does (sessions cut, a checkpoint); `immediate`: a crash, recovered from the WAL on start. */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await this.pg('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  async startServer(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=50 -c shared_buffers=16MB`;
    await this.pg('pg_ctl', ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'postgres.log'), '-o', options, '-w', 'start']);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** PostgreSQL refuses to run as root: as root, its tools run as the "postgres" user. */
  private async pg(tool: string, args: string[]): Promise<void> {
    const command = path.join(this.bin, tool);
    if (userInfo().uid === 0) await run('/usr/sbin/runuser', ['-u', 'postgres', '--', command, ...args]);
    else await run(command, args);
  }
}

function binDir(): string | undefined {
  if (!existsSync(installed)) return undefined;
  const newest = readdirSync(installed)
    .filter((v) => existsSync(path.join(installed, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
  return newest ? path.join(installed, newest, 'bin') : undefined;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = (line ?? '').split(':');
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}
