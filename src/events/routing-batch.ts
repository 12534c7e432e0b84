// One routing transaction's view of its events: the resources they are about, loaded once each,
// at the version the event names (a later change is its own event).
import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/errors.ts';
import type { Queryable } from '../store/driver.ts';
import type { Repository } from '../store/repository.ts';
import type { EventsContext } from './events-context.ts';
import type { OutboxEvent } from './outbox.ts';

export class RoutingBatch {
  readonly events: readonly OutboxEvent[];
  readonly repo: Repository;
  readonly tx: Queryable;
  readonly ctx: EventsContext;
  readonly now: Date;
  private readonly versions = new Map<string, Promise<Resource | undefined>>();

  constructor(events: readonly OutboxEvent[], repo: Repository, tx: Queryable, ctx: EventsContext, now = new Date()) {
    this.events = events;
    this.repo = repo;
    this.tx = tx;
    this.ctx = ctx;
    this.now = now;
  }

  ofType(type: string): OutboxEvent[] {
    return this.events.filter((e) => e.type === type && !e.deleted);
  }

  /** The resource as the event's version left it; undefined if that version is gone (deleted, expunged). */
  version(type: string, id: string, versionId: number): Promise<Resource | undefined> {
    const key = `${type}/${id}/${versionId}`;
    let found = this.versions.get(key);
    if (!found) {
      found = this.repo.vread(type, id, String(versionId)).catch((err: unknown) => {
        if (err instanceof FhirError && (err.category === 'not-found' || err.category === 'gone')) return undefined;
        throw err;
      });
      this.versions.set(key, found);
    }
    return found;
  }
}

/** A routing rule: reads its events from the batch and writes deliveries or Tasks in the batch's transaction. */
export interface RoutingRule {
  readonly name: string;
  route(batch: RoutingBatch): Promise<void>;
}
