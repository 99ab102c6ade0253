/**
 * decodeImage off the event loop. zxing-wasm decodes synchronously: one pass over an 800 px working image
 * holds the loop ~15–40 ms, and a 12 MP upload without a readable code runs every pass up to full size,
 * holding it for 0.4–1.2 s (bench/RESULTS.md) — long enough to stall every other request. The pool runs
 * decodes in worker threads, one at a time per worker, and answers exactly what decodeImage answers.
 *
 * One worker by default: on this 2-core machine that leaves the other core to the server.
 */
import { Worker } from 'node:worker_threads';
import type { DecodeOptions, DecodeResult } from './decode.ts';

interface Job {
  id: number;
  bytes: Uint8Array;
  options: DecodeOptions;
  resolve: (r: DecodeResult) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  job?: Job;
}

export interface DecoderPoolOptions {
  /** Worker threads. Default 1. */
  size?: number;
  /** A decode that takes longer is abandoned (its worker is replaced) and rejected. Default 20 s. */
  timeoutMs?: number;
}

export class DecoderPool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: DecoderPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 1);
    this.timeoutMs = options.timeoutMs ?? 20_000;
  }

  /** Same contract as decodeImage: bad input is a result; only faults of the decoder itself reject. */
  decode(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodeResult> {
    if (this.closed) return Promise.reject(new Error('DecoderPool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, bytes, options, resolve, reject });
      this.pump();
    });
  }

  /** Starts the workers (and loads the wasm in them) now rather than on the first upload. */
  async warmUp(): Promise<void> {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    await Promise.all(this.slots.map((s) => s.ready));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('DecoderPool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./decode-worker.mjs', import.meta.url));
    worker.unref(); // an idle pool does not keep the process alive; a busy worker is ref'd (pump)
    const slot: Slot = {
      worker,
      ready: new Promise<void>((resolve, reject) => {
        const onReady = (m: { ready?: boolean }) => {
          if (m.ready) {
            worker.off('message', onReady);
            resolve();
          }
        };
        worker.on('message', onReady);
        worker.once('error', reject);
      }),
    };
    slot.ready.catch(() => undefined); // reported through the job that waits on it
    worker.on('message', (m: { id?: number; result?: DecodeResult; error?: string }) => {
      const job = slot.job;
      if (m.id === undefined || !job || job.id !== m.id) return;
      this.finish(slot);
      if (m.result) job.resolve(m.result);
      else job.reject(new Error(m.error ?? 'decoder failed'));
    });
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', (code) => this.fail(slot, new Error(`decoder worker exited (${code})`)));
    return slot;
  }

  private finish(slot: Slot): void {
    if (slot.job?.timer) clearTimeout(slot.job.timer);
    slot.job = undefined;
    slot.worker.unref();
    this.pump();
  }

  /** A worker died or hung: reject its job, drop it; the next job gets a fresh worker. */
  private fail(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const job = slot.job;
    slot.job = undefined;
    if (job?.timer) clearTimeout(job.timer);
    job?.reject(err);
    void slot.worker.terminate();
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      if (!slot) return;
      const job = this.queue.shift() as Job;
      const s = slot;
      s.job = job;
      s.worker.ref();
      job.timer = setTimeout(() => this.fail(s, new Error(`decode took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
      job.timer.unref();
      s.ready.then(
        () => {
          if (s.job !== job) return;
          // A copy: the caller keeps its buffer, and the copy's memory moves to the worker.
          const copy = new Uint8Array(job.bytes);
          s.worker.postMessage({ id: job.id, bytes: copy.buffer, options: job.options }, [copy.buffer]);
        },
        (err: unknown) => this.fail(s, err instanceof Error ? err : new Error(String(err))),
      );
    }
  }
}
