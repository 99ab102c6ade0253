import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a WAL database from a worker thread, so the thread that serves requests never copies pages.
 *
 * SQLite's own checkpoint runs inside whichever COMMIT pushes the WAL past `wal_autocheckpoint` pages: it
 * syncs the WAL, copies every frame into the database file and syncs that, all on the event loop, which
 * took 40 % of the commits' time at the counter and showed as latency spikes (docs/performance.md).
 * Here a second connection in a worker does the same work (PASSIVE: it never blocks a writer or waits
 * for a reader) shortly after writes happen; the main connection keeps a high `wal_autocheckpoint` as a
 * backstop in case the worker falls behind. Durability is unchanged: a checkpoint syncs the WAL before
 * it writes the database file, whichever connection runs it.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private pending = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly delayMs = 100,
  ) {}

  /** A commit happened: a checkpoint follows within `delayMs`, one for all the commits in between. */
  noteWrite(): void {
    this.pending = true;
    if (!this.running && !this.timer) this.schedule();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    const worker = this.worker;
    if (!worker) return;
    // Held while it finishes: an unreferenced thread would let the process end before it closed its connection.
    worker.ref();
    await new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage('close');
    });
  }

  /** Started on the first write: a command that only reads never pays for a thread. */
  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { file: this.file } });
    worker.unref();
    // A failed checkpoint (a reader kept the WAL busy, a disk error) is left to the next one, and to the
    // main connection's own backstop checkpoint if they keep failing.
    worker.on('message', (m: { done?: boolean }) => {
      if (!m.done) return;
      this.running = false;
      if (this.pending) this.schedule();
    });
    worker.on('error', () => {
      this.running = false;
      this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pending = false;
      this.running = true;
      this.started().postMessage('checkpoint');
    }, this.delayMs);
    this.timer.unref();
  }
}
