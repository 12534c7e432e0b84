// What a full extract means for records it no longer contains: `end` closes them (an end date and an
// inactive or finished status on each resource), `flag` keeps them but tags them as missing from the
// extract, `keep` only counts them. Nothing is ever deleted: the council may simply have sent a partial file.
import type { Meta, Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../store/driver.ts';
import type { Repository } from '../../store/repository.ts';
import type { KnownRecord, SourceWriter } from '../source-writer.ts';
import type { RecordType } from '../social-care/records.ts';

export const MISSING_RULES = ['end', 'flag', 'keep'] as const;
export type MissingRule = (typeof MISSING_RULES)[number];

/** The tag a `flag` rule puts on resources of records a full extract no longer contained. */
export const MISSING_TAG = { system: 'urn:sharedcare:ingest', code: 'missing-from-extract', display: 'Missing from the latest full extract' } as const;

const CHUNK = 200;
const OPEN_TASK = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

/** Applies the rule to every record of the type this run's full extract did not contain; returns how many there were. */
export async function applyMissingRule(repo: Repository, writer: SourceWriter, recordType: RecordType, rule: MissingRule, today: string): Promise<number> {
  const missing = await writer.missingFromRun(recordType);
  if (rule === 'keep') return missing.length;
  for (let i = 0; i < missing.length; i += CHUNK) {
    const chunk = missing.slice(i, i + CHUNK);
    await repo.transaction(async (tx, sql) => {
      const changed = await changedResources(tx, chunk, rule, today);
      if (changed.length > 0) await tx.putMany(changed);
      // Marked ended either way, so the record is counted once, and rewritten in full if it comes back.
      await writer.markEnded(sql as Queryable, recordType, chunk.map((r) => r.localId));
    });
  }
  return missing.length;
}

async function changedResources(repo: Repository, records: readonly KnownRecord[], rule: MissingRule, today: string): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const record of records) {
    for (const ref of record.resources) {
      const [type, id] = ref.split('/') as [string, string];
      const current = await repo.read(type, id).catch(() => undefined);
      if (!current) continue;
      out.push(rule === 'flag' ? flagged(current) : ended(current, today));
    }
  }
  return out;
}

function flagged(resource: Resource): Resource {
  const tags = resource.meta?.tag ?? [];
  if (tags.some((t) => t.system === MISSING_TAG.system && t.code === MISSING_TAG.code)) return resource;
  return { ...resource, meta: { ...resource.meta, tag: [...tags, { ...MISSING_TAG }] } as Meta };
}

/** The closed form of each resource a record became. */
export function ended(resource: Resource, today: string): Resource {
  const r = resource as Resource & Record<string, any>;
  const closePeriod = (key: string) => ({ [key]: { ...r[key], end: r[key]?.end ?? today } });
  switch (r.resourceType) {
    case 'Patient': case 'RelatedPerson': case 'Organization': case 'Practitioner': case 'PractitionerRole':
      return { ...r, active: false };
    case 'CareTeam': return { ...r, status: 'inactive', ...closePeriod('period') };
    case 'EpisodeOfCare': return { ...r, status: 'finished', ...closePeriod('period') };
    case 'Flag': return r.status === 'active' ? { ...r, status: 'inactive', ...closePeriod('period') } : r;
    case 'CarePlan': return r.status === 'active' || r.status === 'on-hold' || r.status === 'draft' ? { ...r, status: 'completed', ...closePeriod('period') } : r;
    case 'ServiceRequest': return r.status === 'active' || r.status === 'on-hold' || r.status === 'draft'
      ? { ...r, status: 'completed', ...(r.occurrencePeriod ? closePeriod('occurrencePeriod') : {}) } : r;
    case 'Task': return OPEN_TASK.has(r.status) ? { ...r, status: 'cancelled', statusReason: { text: 'No longer in the source\'s full extract' } } : r;
    case 'Device': return { ...r, status: 'inactive' };
    case 'Condition': return {
      ...r, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'inactive' }] },
    };
    default: return r;
  }
}
