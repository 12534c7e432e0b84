// What an import did, in counts that always add up: every record read was applied (created or
// updated), found unchanged, or quarantined. Records missing from a full extract are counted apart.
import type { Queryable } from '../store/driver.ts';
import type { IngestChannel } from './quarantine.ts';

export interface ImportCounts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  /** Full extracts only: records the source no longer sent, and what the rule did with them. */
  missing: number;
  /** Codes no lexicon maps, by local code system: code → occurrences. */
  unmapped: Record<string, Record<string, number>>;
}

export type RecordOutcome = 'created' | 'updated' | 'unchanged' | 'quarantined';

export class ImportReport {
  readonly counts: ImportCounts = { read: 0, created: 0, updated: 0, unchanged: 0, quarantined: 0, missing: 0, unmapped: {} };

  /** Counts one record read and what happened to it. */
  record(outcome: RecordOutcome): void {
    this.counts.read++;
    this.counts[outcome]++;
  }

  unmappedCode(system: string, code: string): void {
    const codes = (this.counts.unmapped[system] ??= {});
    codes[code] = (codes[code] ?? 0) + 1;
  }

  get applied(): number {
    return this.counts.created + this.counts.updated;
  }

  /** True when every record read is accounted for. */
  balanced(): boolean {
    const c = this.counts;
    return c.read === c.created + c.updated + c.unchanged + c.quarantined;
  }

  merge(other: ImportReport): void {
    const c = this.counts;
    const o = other.counts;
    c.read += o.read;
    c.created += o.created;
    c.updated += o.updated;
    c.unchanged += o.unchanged;
    c.quarantined += o.quarantined;
    c.missing += o.missing;
    for (const [system, codes] of Object.entries(o.unmapped)) {
      const into = (c.unmapped[system] ??= {});
      for (const [code, n] of Object.entries(codes)) into[code] = (into[code] ?? 0) + n;
    }
  }

  /** One line for a terminal: `read 1000 · applied 990 (created 900, updated 90) · unchanged 0 · quarantined 10`. */
  summary(): string {
    const c = this.counts;
    const missing = c.missing > 0 ? ` · missing from extract ${c.missing}` : '';
    return `read ${c.read} · applied ${this.applied} (created ${c.created}, updated ${c.updated}) · unchanged ${c.unchanged} · quarantined ${c.quarantined}${missing}`;
  }
}

export interface RunStart {
  source: string;
  channel: IngestChannel;
  origin: string;
  profile?: string;
  recordType?: string;
  mode?: 'incremental' | 'full';
}

/** Records that an import started; its id tags quarantine items and source records it touched. */
export async function startRun(db: Queryable, run: RunStart): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO ingest_run (source, channel, origin, profile, record_type, mode) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id',
    [run.source, run.channel, run.origin, run.profile ?? null, run.recordType ?? null, run.mode ?? 'incremental'],
  );
  return rows[0]!.id;
}

export async function finishRun(db: Queryable, runId: string, report: ImportReport): Promise<void> {
  await db.query('UPDATE ingest_run SET finished_at = now(), counts = $2::jsonb WHERE id = $1::bigint', [runId, JSON.stringify(report.counts)]);
}
