// Keeps a couple of batches in flight, so the database writes one while the next is read, mapped and
// validated: never two batches holding the same record at once, so a later row for a record always wins.
export class BatchPipeline<T> {
  private readonly depth: number;
  private readonly run: (batch: T) => Promise<void>;
  private readonly inFlight = new Set<{ ids: ReadonlySet<string>; done: Promise<void> }>();
  private failure: unknown;

  constructor(depth: number, run: (batch: T) => Promise<void>) {
    this.depth = Math.max(1, depth);
    this.run = run;
  }

  /** Starts a batch once there is room and no batch in flight shares one of its record ids. */
  async push(batch: T, ids: ReadonlySet<string>): Promise<void> {
    for (;;) {
      this.rethrow();
      const blocking = [...this.inFlight].filter((f) => [...ids].some((id) => f.ids.has(id)));
      if (this.inFlight.size < this.depth && blocking.length === 0) break;
      await Promise.race([...(blocking.length > 0 ? blocking : this.inFlight)].map((f) => f.done));
    }
    const entry = { ids, done: Promise.resolve() };
    entry.done = this.run(batch).catch((err: unknown) => { this.failure ??= err; }).finally(() => { this.inFlight.delete(entry); });
    this.inFlight.add(entry);
  }

  /** Waits for every batch; the first failure, if any, is thrown. */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight].map((f) => f.done));
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
