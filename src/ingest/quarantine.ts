// Input that could not be applied is never dropped: it is kept whole with its reasons, listed by
// command and API, and replayed once the profile, lexicon or referenced record is fixed.
import type { Queryable } from '../store/driver.ts';
import { hash64 } from '../store/hash.ts';
import type { IngestContext } from './ingest-context.ts';

export type IngestChannel = 'csv' | 'hl7' | 'fhir';
export type QuarantineStatus = 'open' | 'replayed' | 'discarded';

/** Why an input was kept back, and where in it the problem lies (column, field, FHIRPath). */
export interface QuarantineReason {
  code: string;
  message: string;
  location?: string;
}

export interface QuarantineEntry {
  source: string;
  channel: IngestChannel;
  /** CSV record type, HL7 message type (e.g. ADT^A01) or FHIR resource type. */
  kind: string;
  /** The CSV profile the row was read with, so a replay reads it the same way. */
  profile?: string;
  /** Where it came from: file and row, sender and control id, file and line. */
  origin: string;
  /** The input as received: a CSV row as JSON (column → value), an HL7 message, a FHIR resource. */
  raw: string;
  reasons: QuarantineReason[];
  runId?: string;
}

export interface QuarantinedItem extends QuarantineEntry {
  id: string;
  status: QuarantineStatus;
  receivedAt: string;
  resolvedAt?: string;
  attempts: number;
}

export interface QuarantineQuery {
  source?: string;
  channel?: IngestChannel;
  status?: QuarantineStatus;
  /** Items with a larger id (paging). */
  after?: string;
  limit?: number;
}

interface Row {
  id: string;
  source: string;
  channel: IngestChannel;
  kind: string;
  profile: string | null;
  origin: string;
  raw: string;
  reasons: QuarantineReason[];
  status: QuarantineStatus;
  run_id: string | null;
  received_at: string;
  resolved_at: string | null;
  attempts: number;
}

const COLUMNS = 'id::text, source, channel, kind, profile, origin, raw, reasons, status, run_id::text, received_at::text, resolved_at::text, attempts';

function toItem(row: Row): QuarantinedItem {
  return {
    id: row.id,
    source: row.source,
    channel: row.channel,
    kind: row.kind,
    ...(row.profile ? { profile: row.profile } : {}),
    origin: row.origin,
    raw: row.raw,
    reasons: row.reasons,
    status: row.status,
    ...(row.run_id ? { runId: row.run_id } : {}),
    receivedAt: new Date(row.received_at).toISOString(),
    ...(row.resolved_at ? { resolvedAt: new Date(row.resolved_at).toISOString() } : {}),
    attempts: row.attempts,
  };
}

/** The same input (kind and content) from the same source is one quarantine item while it is open. */
export function recordKey(kind: string, raw: string): string {
  return hash64(`${kind}\n${raw}`);
}

export class Quarantine {
  private readonly db: Queryable;

  constructor(db: Queryable) {
    this.db = db;
  }

  /** Keeps each entry; one already open with the same content is not added again. Returns how many were new. */
  async add(entries: readonly QuarantineEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const { rows } = await this.db.query<{ n: string }>(
      `WITH added AS (
         INSERT INTO ingest_quarantine (source, channel, kind, profile, origin, record_key, raw, reasons, run_id)
         SELECT e.source, e.channel, e.kind, e.profile, e.origin, e.record_key, e.raw, e.reasons, e.run_id
         FROM jsonb_to_recordset($1::jsonb) AS e(source text, channel text, kind text, profile text, origin text, record_key text, raw text, reasons jsonb, run_id bigint)
         ON CONFLICT (source, channel, record_key) WHERE status = 'open' DO NOTHING
         RETURNING 1)
       SELECT count(*)::text AS n FROM added`,
      [JSON.stringify(entries.map((e) => ({
        source: e.source, channel: e.channel, kind: e.kind, profile: e.profile ?? null, origin: e.origin,
        record_key: recordKey(e.kind, e.raw), raw: e.raw, reasons: e.reasons, run_id: e.runId ?? null,
      })))],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async list(query: QuarantineQuery = {}): Promise<QuarantinedItem[]> {
    const where: string[] = ['status = $1'];
    const params: unknown[] = [query.status ?? 'open'];
    if (query.source) where.push(`source = $${params.push(query.source)}`);
    if (query.channel) where.push(`channel = $${params.push(query.channel)}`);
    if (query.after) where.push(`id > $${params.push(query.after)}::bigint`);
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM ingest_quarantine WHERE ${where.join(' AND ')} ORDER BY ingest_quarantine.id LIMIT ${limit}`, params);
    return rows.map(toItem);
  }

  async get(id: string): Promise<QuarantinedItem | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const { rows } = await this.db.query<Row>(`SELECT ${COLUMNS} FROM ingest_quarantine WHERE id = $1::bigint`, [id]);
    return rows[0] ? toItem(rows[0]) : undefined;
  }

  /** Open items per source and channel. */
  async counts(): Promise<Array<{ source: string; channel: IngestChannel; open: number }>> {
    const { rows } = await this.db.query<{ source: string; channel: IngestChannel; open: string }>(
      "SELECT source, channel, count(*)::text AS open FROM ingest_quarantine WHERE status = 'open' GROUP BY source, channel ORDER BY source, channel");
    return rows.map((r) => ({ source: r.source, channel: r.channel, open: Number(r.open) }));
  }

  /**
   * Closes an open item: it was applied on replay, or someone decided to drop it (`note` says why,
   * kept after its reasons). False when the item was not open.
   */
  async resolve(id: string, status: Exclude<QuarantineStatus, 'open'>, note?: QuarantineReason): Promise<boolean> {
    const { rows } = await this.db.query(
      `UPDATE ingest_quarantine SET status = $2, resolved_at = now(), reasons = reasons || $3::jsonb
       WHERE id = $1::bigint AND status = 'open' RETURNING id`, [id, status, JSON.stringify(note ? [note] : [])]);
    return rows.length > 0;
  }

  /** A replay that failed again: the new reasons replace the old. */
  async stillFailing(id: string, reasons: readonly QuarantineReason[]): Promise<void> {
    await this.db.query(
      'UPDATE ingest_quarantine SET reasons = $2::jsonb, attempts = attempts + 1 WHERE id = $1::bigint', [id, JSON.stringify(reasons)]);
  }
}

/**
 * Re-runs one quarantined item through its channel as if it had just arrived: resolves to
 * undefined when it was applied, or to the reasons it still fails. Each channel exports one.
 */
export type Replayer = (item: QuarantinedItem, ctx: IngestContext) => Promise<QuarantineReason[] | undefined>;
