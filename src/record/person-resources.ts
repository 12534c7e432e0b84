// Reads what the consolidated record is built from: every resource in the compartments of a person's
// linked source records, through the store's $everything under the caller's access filter (so the
// categories a role may not see, and data under dissent or sensitive labels, never arrive here).
import type { Resource } from '@medplum/fhirtypes';
import { linksOf, membersOf } from '../identity/links/link-rows.ts';
import type { Queryable } from '../store/driver.ts';
import type { AccessFilter, Repository } from '../store/repository.ts';

/** Resources read per page: a heavy person (~300 resources) is one page; a very long record several. */
const PAGE_SIZE = 5000;

export interface PersonResources {
  /** The compartments' resources, each once. */
  resources: Resource[];
  /** Shared resources they reference (organisations, practitioners…), each once. */
  shared: Resource[];
}

/** Every source record linked to the same person as `patientId` (itself included, linked or not). */
export async function linkedPatientIds(sql: Queryable, patientId: string): Promise<string[]> {
  const link = (await linksOf(sql, [patientId])).get(patientId);
  if (!link) return [patientId];
  const members = (await membersOf(sql, [link.personId])).map((l) => l.patientId);
  return members.includes(patientId) ? members : [patientId, ...members];
}

/** Pages through `$everything` for `patientIds` until done, keeping each resource once. */
export async function readPersonResources(repo: Repository, patientIds: readonly string[], filter: AccessFilter | undefined,
  types?: readonly string[], pageSize = PAGE_SIZE): Promise<PersonResources> {
  const resources = new Map<string, Resource>();
  const shared = new Map<string, Resource>();
  let after: string | undefined;
  do {
    const page = await repo.everything(patientIds, { count: pageSize, ...(after ? { after } : {}), ...(types ? { types } : {}) }, filter);
    for (const m of page.matches) {
      const key = `${m.resource.resourceType}/${m.resource.id}`;
      if (m.mode === 'match') resources.set(key, m.resource);
      else if (m.mode === 'include') shared.set(key, m.resource);
    }
    after = page.next?.find(([name]) => name === '_cursor')?.[1];
  } while (after);
  for (const key of resources.keys()) shared.delete(key);
  return { resources: [...resources.values()], shared: [...shared.values()] };
}
