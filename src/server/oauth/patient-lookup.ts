// Finds the record an NHS number names, for sign-in and launch: a citizen's own record, or the
// person a case-management system opens the viewer on. An internal lookup, not a user's search.
import { NHS_NUMBER_SYSTEM } from '../../fhir/systems.ts';
import type { Repository } from '../../store/repository.ts';

/**
 * The id of a Patient with this NHS number. Several source records may carry it (a council's and a
 * GP's); the first found is returned, and the policy widens it to every record linked to the person.
 */
export async function patientWithNhsNumber(repo: Repository, nhsNumber: string): Promise<string | undefined> {
  const query: Array<[string, string]> = [['identifier', `${NHS_NUMBER_SYSTEM}|${nhsNumber}`], ['_count', '1'], ['_total', 'none']];
  const result = await repo.search(repo.parseSearch('Patient', query), { owner: 'sharedcare:oauth' });
  return result.matches.find((m) => m.mode === 'match')?.resource.id;
}
