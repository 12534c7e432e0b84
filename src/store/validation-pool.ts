// A small pool of worker threads for validation, the costliest CPU step of a write (~100 µs a
// resource). Batches go to the workers; single writes stay inline where a round trip costs more.
import { Worker } from 'node:worker_threads';
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, type Issue } from '../fhir/errors.ts';
import type { ValidationReply, ValidationRequest } from './validation-worker.ts';

// The worker runs the TypeScript source through tsx, however the parent process was started.
const BOOTSTRAP = `
const { register } = await import('tsx/esm/api');
register();
await import(${JSON.stringify(new URL('./validation-worker.ts', import.meta.url).href)});
`;

export class ValidationPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: Array<Issue[] | null>) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private nextWorker = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(BOOTSTRAP, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1]);
      worker.on('message', (reply: ValidationReply) => this.settle(reply));
      worker.on('error', (err) => this.failAll(err));
      worker.unref();
      this.workers.push(worker);
    }
  }

  private settle(reply: ValidationReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.results) waiter.resolve(reply.results);
    else waiter.reject(new Error(reply.error ?? 'validation worker failed'));
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }

  /** Issues per resource (null: valid), in order. */
  validate(resources: Resource[]): Promise<Array<Issue[] | null>> {
    const worker = this.workers[this.nextWorker++ % this.workers.length]!;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, resources } satisfies ValidationRequest);
    });
  }

  /** Throws the first invalid resource's error, marked with its position. */
  async assertValid(resources: Resource[]): Promise<void> {
    const results = await this.validate(resources);
    const index = results.findIndex((r) => r !== null);
    if (index < 0) return;
    const err = FhirError.fromIssues('invalid', 'FHIR_VALIDATION', results[index]!);
    err.entryIndex = index;
    throw err;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
