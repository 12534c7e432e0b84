// Worker threads for the CPU side of large writes (fast-path validation ~8 µs and index extraction
// ~35 µs a resource). A batch is split across every worker, so one client's transaction Bundle
// uses the spare cores while the event loop stays free; small writes stay inline.
import { Worker } from 'node:worker_threads';
import type { Resource } from '@medplum/fhirtypes';
import type { PrepareReply, PrepareRequest, PrepareResult } from './prepare-worker.ts';

// The worker runs the TypeScript source through tsx, however the parent process was started.
const BOOTSTRAP = `
const { register } = await import('tsx/esm/api');
register();
await import(${JSON.stringify(new URL('./prepare-worker.ts', import.meta.url).href)});
`;

/** Batches smaller than this are prepared inline: a round trip to a worker costs more. */
export const POOL_THRESHOLD = 16;

export class PreparePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: PrepareResult[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private nextWorker = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(BOOTSTRAP, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1]);
      worker.on('message', (reply: PrepareReply) => this.settle(reply));
      worker.on('error', (err) => this.failAll(err));
      // Idle workers must not keep a finished process alive; busy ones must (see track()).
      worker.unref();
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Holds the process open while any work is out: with the embedded database nothing else may be
   * keeping the event loop alive, and a command awaiting a write would otherwise just end, exit 0.
   */
  private track(): void {
    for (const worker of this.workers) {
      if (this.pending.size > 0) worker.ref();
      else worker.unref();
    }
  }

  private settle(reply: PrepareReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.track();
    if (reply.results) waiter.resolve(reply.results);
    else waiter.reject(new Error(reply.error ?? 'prepare worker failed'));
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
    this.track();
  }

  private send(resources: Resource[]): Promise<PrepareResult[]> {
    const worker = this.workers[this.nextWorker++ % this.workers.length]!;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.track();
      worker.postMessage({ id, resources } satisfies PrepareRequest);
    });
  }

  /** Validates and indexes `resources`, in order, in parallel chunks across the workers. */
  async prepare(resources: Resource[]): Promise<PrepareResult[]> {
    const chunks = Math.min(this.workers.length, Math.ceil(resources.length / POOL_THRESHOLD));
    const size = Math.ceil(resources.length / chunks);
    const parts = await Promise.all(Array.from({ length: chunks }, (_, i) => this.send(resources.slice(i * size, (i + 1) * size))));
    return parts.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
