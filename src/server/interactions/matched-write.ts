// A Patient written through the REST API is a source record like any imported one: it is matched to
// a person in the same transaction that writes it (identity/linker). Other types are written as they are.
import type { Patient, Resource } from '@medplum/fhirtypes';
import { linkArrivals } from '../../identity/linker.ts';
import type { Queryable } from '../../store/driver.ts';
import type { Repository, WriteResult } from '../../store/repository.ts';

/** Runs the write; when it stored a new or changed Patient, matches it before the transaction commits. */
export async function matchedWrite(repo: Repository, type: string, write: (repo: Repository) => Promise<WriteResult>): Promise<WriteResult> {
  if (type !== 'Patient') return write(repo);
  return repo.transaction(async (tx, sql) => {
    const result = await write(tx);
    if (result.outcome !== 'unchanged') await linkArrivals(tx, sql, [result.resource as Patient]);
    return result;
  });
}

/** Matches the Patients among resources a transaction Bundle created in bulk. */
export async function matchCreated(repo: Repository, sql: Queryable, created: readonly Resource[]): Promise<void> {
  const patients = created.filter((r): r is Patient => r.resourceType === 'Patient');
  if (patients.length > 0) await linkArrivals(repo, sql, patients);
}
