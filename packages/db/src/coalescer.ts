/** A batch's answer for a call the statement could not settle: it runs again by itself. */
export const runAlone: unique symbol = Symbol('run alone');

interface Call<I, O> {
  input: I;
  resolve(value: O): void;
  reject(reason: unknown): void;
}

export interface CoalescerOptions<I, O> {
  /**
   * Runs many calls as one statement, answering each in the order given (or `runAlone` for one it could
   * not settle). Throws for the whole batch.
   */
  many(inputs: readonly I[]): Promise<(O | typeof runAlone)[]>;
  /** Runs one call by itself: a batch of one, and every call of a batch that failed. */
  one(input: I): Promise<O>;
  /** Calls with the same key never share a batch (they would race inside one statement). */
  key?(input: I): string;
  /** The most calls in one statement. */
  max?: number;
  /** The most statements of this kind running at once; calls made meanwhile wait and join the next. */
  inFlight?: number;
  /** Hears of a statement that failed whole (its calls then run alone). */
  onFailure?(error: unknown, calls: number): void;
}

/**
 * PostgreSQL: calls of one kind that concurrent requests make in the same turn of the event loop, run
 * as one statement over all their values (a JSON array) instead of one statement each.
 *
 * Why: on a busy machine a round trip costs far more than the rows it writes: the client's protocol
 * work and the backend's wake-up, executor start-up and commit, on both sides of a socket
 * (docs/performance-checkout.md). Sales made together share those. Requests answered by one statement
 * go on together, so they meet again at their next statement.
 *
 * A batch is all or nothing, like the statement it is. When it fails (a clash, a lost connection), each
 * of its calls runs again by itself and gets its own answer or error, exactly as without batching.
 */
export class Coalescer<I, O> {
  private pending: Call<I, O>[] = [];
  private scheduled = false;
  private running = 0;
  private readonly max: number;
  private readonly inFlight: number;
  /**
   * How much the batching shares (the checkout's diagnostic and the tests read them): statements run,
   * calls they served, statements that failed whole, and calls that ran by themselves.
   */
  readonly stats = { batches: 0, calls: 0, failed: 0, alone: 0 };

  constructor(private readonly options: CoalescerOptions<I, O>) {
    this.max = options.max ?? 64;
    this.inFlight = options.inFlight ?? 1;
  }

  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.running >= this.inFlight) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: every request whose data arrived with this one has had its
    // chance to join.
    setImmediate(() => this.flush());
  }

  /**
   * Starts as many batches as may run; the calls left wait for one to finish, as transactions wait for a
   * group commit, so under load each statement carries the calls that came while the last one ran.
   */
  private flush(): void {
    this.scheduled = false;
    const batches = this.batches(this.pending);
    this.pending = [];
    while (batches.length > 0 && this.running < this.inFlight) {
      const batch = batches.shift() as Call<I, O>[];
      this.running += 1;
      void this.runBatch(batch).finally(() => {
        this.running -= 1;
        this.schedule();
      });
    }
    for (const batch of batches) this.pending.push(...batch);
  }

  /** Calls in arrival order, each in the first batch with room that holds no call of the same key. */
  private batches(calls: Call<I, O>[]): Call<I, O>[][] {
    const batches: { calls: Call<I, O>[]; keys: Set<string> }[] = [];
    for (const [i, call] of calls.entries()) {
      const key = this.options.key?.(call.input) ?? String(i);
      let batch = batches.find((b) => b.calls.length < this.max && !b.keys.has(key));
      if (!batch) {
        batch = { calls: [], keys: new Set() };
        batches.push(batch);
      }
      batch.calls.push(call);
      batch.keys.add(key);
    }
    return batches.map((b) => b.calls);
  }

  private async runBatch(calls: Call<I, O>[]): Promise<void> {
    this.stats.batches += 1;
    this.stats.calls += calls.length;
    if (calls.length === 1) return this.runAlone(calls);
    let outputs: (O | typeof runAlone)[];
    try {
      outputs = await this.options.many(calls.map((c) => c.input));
    } catch (err) {
      this.stats.failed += 1;
      this.options.onFailure?.(err, calls.length);
      return this.runAlone(calls);
    }
    const left: Call<I, O>[] = [];
    calls.forEach((call, i) => {
      const output = outputs[i] as O | typeof runAlone;
      if (output === runAlone || i >= outputs.length) left.push(call);
      else call.resolve(output);
    });
    return this.runAlone(left);
  }

  /**
   * Each call by itself. The batch's slot stays taken until all have answered, so the next batch, which
   * may hold a later call of the same key, cannot overtake them (a batch's own keys are all different).
   */
  private async runAlone(calls: readonly Call<I, O>[]): Promise<void> {
    await Promise.all(calls.map((call) => this.runOneCall(call)));
  }

  private async runOneCall(call: Call<I, O>): Promise<void> {
    this.stats.alone += 1;
    try {
      call.resolve(await this.options.one(call.input));
    } catch (err) {
      call.reject(err);
    }
  }
}
