// Create-or-update of many resources with known ids in one set-based write: the path imports take,
// where a source record always maps to the same resource id. A resource whose content is already
// stored as sent gets no new version, so re-sending a record changes nothing.
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../fhir/errors.ts';
import { isValidId } from '../fhir/validate.ts';
import { lockResourceKeys } from './advisory-locks.ts';
import type { Queryable } from './driver.ts';
import { readCurrentRows, takeLockedRows, type LockedRow } from './locked-reads.ts';
import { prepareBatch, type PrepareContext, type VersionSlot } from './prepare-version.ts';
import { passesFilter, type PutOptions, type WriteResult } from './repository.ts';
import { dehydrate, hydrate } from './stored-row.ts';
import { writeVersions, type PreparedVersion } from './write-resources.ts';

/** Deep equality of JSON values, ignoring object key order (jsonb does not keep it). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameJson(v, other[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function checkIds(resources: readonly Resource[]): string[] {
  const seen = new Set<string>();
  return resources.map((r, i) => {
    const key = `${r.resourceType}/${r.id}`;
    const fail = (code: string, text: string): never => {
      const err = invalid(code, text, `${r.resourceType}.id`);
      err.entryIndex = i;
      throw err;
    };
    if (!r.id || !isValidId(r.id)) fail('STORE_ID_INVALID', 'Each resource put needs a valid id');
    if (seen.has(key)) fail('STORE_ID_REPEATED', `${key} appears more than once in one write`);
    seen.add(key);
    return key;
  });
}

/** The current rows of the resources: those the transaction read under their locks, the rest read now. */
async function currentRows(q: Queryable, keys: readonly string[]): Promise<Map<string, LockedRow>> {
  const taken = takeLockedRows(q, keys);
  const existing = new Map<string, LockedRow>();
  for (const [key, row] of taken) if (row) existing.set(key, row);
  const unread = keys.filter((key) => !taken.has(key));
  if (unread.length === 0) return existing;
  const rows = await readCurrentRows(q, unread);
  for (const row of rows) existing.set(`${row.type}/${row.id}`, row);
  return existing;
}

/**
 * Puts every resource at its id within the caller's transaction: new ids are created, changed
 * content gets a new version, identical content is left alone ('unchanged').
 */
export async function putResources(q: Queryable, ctx: PrepareContext, resources: readonly Resource[], lastUpdated: string,
  options: PutOptions = {}): Promise<WriteResult[]> {
  const { filter, alongside = [] } = options;
  if (resources.length === 0) {
    await writeVersions(q, [], alongside);
    return [];
  }
  const keys = checkIds(resources);
  // Writers of the same ids queue behind each other, in one order so they cannot deadlock;
  // this also serialises two imports creating the same new resource.
  await lockResourceKeys(q, keys);
  const existing = await currentRows(q, keys);

  const results: Array<WriteResult | undefined> = [];
  const toWrite: Resource[] = [];
  const slots: VersionSlot[] = [];
  const positions: number[] = [];
  resources.forEach((resource, i) => {
    const row = existing.get(keys[i]!);
    if (row && !passesFilter(filter, { type: row.type, personKey: row.person_key, tokens: row.tokens })) {
      const err = new FhirError('forbidden', 'POLICY_COMPARTMENT', `${keys[i]} is outside the records the access token may write`);
      err.entryIndex = i;
      throw err;
    }
    if (row && !row.deleted && sameJson(row.content, dehydrate(resource))) {
      results[i] = { resource: hydrate(row), outcome: 'unchanged' };
      return;
    }
    toWrite.push(resource);
    slots.push(row ? { versionId: row.version_id + 1, rid: row.rid } : { versionId: 1 });
    positions.push(i);
  });

  const prepared = await prepareBatch(ctx, toWrite, toWrite.map((r) => r.id!), lastUpdated, slots).catch((err: unknown) => {
    if (err instanceof FhirError && err.entryIndex !== undefined) err.entryIndex = positions[err.entryIndex];
    throw err;
  });
  prepared.forEach((version: PreparedVersion, n) => {
    if (!passesFilter(filter, { type: version.type, personKey: version.rows.personKey, tokens: version.rows.tokens })) {
      const err = new FhirError('forbidden', 'POLICY_COMPARTMENT', `This ${version.type} is outside the records the access token may write`);
      err.entryIndex = positions[n];
      throw err;
    }
    results[positions[n]!] = { resource: version.content!, outcome: version.versionId === 1 ? 'created' : 'updated' };
  });
  await writeVersions(q, prepared, alongside);
  return results as WriteResult[];
}
