import { type FileHandle, open } from 'node:fs/promises';

/**
 * Group commit for SQLite in WAL mode with synchronous=NORMAL.
 *
 * With synchronous=FULL every COMMIT waits for fsync on the one thread that serves every request: each
 * write blocks all the others for a disk flush. With NORMAL a COMMIT only appends its frames to the WAL
 * (the OS has them: a crash of the process loses nothing), and this class makes them power-cut durable
 * where it matters: `durable()` resolves once every commit made before the call has been fsynced. The
 * fsync runs on libuv's thread pool, so the event loop goes on serving, and one fsync covers every
 * commit made while the previous one ran. Callers await it before an answer leaves (the HTTP layer, for
 * every write request) and before anything leaves the process on the strength of a commit (a call to a
 * payment channel, an outbox side effect): nothing is acknowledged or acted on that a power cut could undo.
 *
 * Why syncing the WAL file is enough: a committed transaction lives only in WAL frames until a checkpoint,
 * and SQLite (NORMAL) itself syncs the WAL before checkpointing and the database after; frames are
 * appended in commit order, so syncing them covers every earlier commit as well.
 */
export class WalGroupCommit {
  /** Write statements run so far (counted where they are prepared, i.e. once per execution). */
  private writes = 0;
  private synced = 0;
  private running: { upTo: number; done: Promise<void> } | undefined;
  private next: Promise<void> | undefined;
  private handle: FileHandle | undefined;
  private closed = false;

  constructor(private readonly walFile: string) {}

  noteWrite(): void {
    this.writes += 1;
  }

  durable(): Promise<void> {
    const target = this.writes;
    // Closing a WAL database checkpoints it into the (synced) main file and removes the WAL.
    if (this.synced >= target || this.closed) return Promise.resolve();
    if (this.running && this.running.upTo >= target) return this.running.done;
    if (!this.running) return this.start();
    // An fsync is running but began before our commit: one more after it serves everyone waiting now.
    this.next ??= this.running.done
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.durable();
      });
    return this.next;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.running?.done.catch(() => {});
    await this.handle?.close();
    this.handle = undefined;
  }

  private start(): Promise<void> {
    const upTo = this.writes;
    const done = this.fsync().then(
      () => {
        this.synced = Math.max(this.synced, upTo);
        this.running = undefined;
      },
      (err: unknown) => {
        this.running = undefined;
        // A failed fsync may have dropped dirty pages: reopen and never claim what was not confirmed.
        void this.handle?.close().catch(() => {});
        this.handle = undefined;
        throw err;
      },
    );
    this.running = { upTo, done };
    return done;
  }

  private async fsync(): Promise<void> {
    // The WAL exists from the first write on and keeps its inode for as long as the database is open
    // (checkpoints rewind it, they do not replace it), so one handle serves the whole life of the process.
    if (!this.handle) {
      try {
        this.handle = await open(this.walFile, 'r');
      } catch (err) {
        // No WAL: nothing was ever written outside the synced main file.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
    }
    await this.handle.datasync();
  }
}
