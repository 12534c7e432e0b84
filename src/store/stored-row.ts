// Resources are stored without what the row's columns already hold (resourceType, id,
// meta.versionId, meta.lastUpdated) — about a tenth of each row — and rebuilt on the way out.
import type { Meta, Resource } from '@medplum/fhirtypes';

/** Columns every query returning resources selects, for `hydrate`. */
export const RESOURCE_COLUMNS = 'r.type, r.id, r.version_id, r.last_updated, r.content';

export interface StoredRow {
  type: string;
  id: string;
  version_id: number;
  last_updated: string;
  content: Record<string, unknown>;
}

const PG_TIMESTAMP = /^(\d{4,}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)(Z|[+-]\d\d(?::?\d\d)?)?$/;

/** PostgreSQL's timestamptz text (`2026-01-02 03:04:05.678+00`) as an ISO instant. */
export function toInstant(value: string): string {
  const m = PG_TIMESTAMP.exec(value);
  if (!m) return new Date(value).toISOString();
  let zone = m[3] ?? 'Z';
  if (/^[+-]\d\d$/.test(zone)) zone += ':00';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return new Date(`${m[1]}T${m[2]}${zone}`).toISOString();
}

/** The stored form: the resource less what the columns hold. */
export function dehydrate(resource: Resource): Record<string, unknown> {
  const { resourceType: _type, id: _id, meta, ...rest } = resource as Resource & { meta?: Meta };
  if (!meta) return rest;
  const { versionId: _v, lastUpdated: _l, ...otherMeta } = meta;
  return Object.keys(otherMeta).length > 0 ? { ...rest, meta: otherMeta } : rest;
}

/** The resource as clients see it, with resourceType, id and meta first. */
export function hydrate(row: StoredRow): Resource {
  const { meta, ...rest } = row.content as { meta?: Meta };
  return {
    resourceType: row.type,
    id: row.id,
    meta: { versionId: String(row.version_id), lastUpdated: toInstant(row.last_updated), ...meta },
    ...rest,
  } as Resource;
}
