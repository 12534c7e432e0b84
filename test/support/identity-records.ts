// Synthetic source Patients with what matching would know of them (identity_record features),
// and scored pairs, for the link store, review queue and their CLI and HTTP tests.
import type { Patient } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION, NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND } from '../../src/fhir/systems.ts';
import type { MatchRecord, PairScore } from '../../src/identity/match-types.ts';
import type { Repository } from '../../src/store/repository.ts';

const title = (s: string) => s.charAt(0) + s.slice(1).toLowerCase();

/** The Patient a source would send for these features. */
export function sourcePatient(id: string, record: Partial<MatchRecord>): Patient {
  return {
    resourceType: 'Patient',
    id,
    ...(record.nhsNumber ? { identifier: [{
      system: NHS_NUMBER_SYSTEM, value: record.nhsNumber,
      extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION, valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: record.nhsVerified ? '01' : '02' }] } }],
    }] } : {}),
    ...(record.family || record.given ? { name: [{ ...(record.family ? { family: title(record.family) } : {}), ...(record.given ? { given: [title(record.given)] } : {}) }] } : {}),
    ...(record.sex ? { gender: record.sex === 'F' ? 'female' as const : 'male' as const } : {}),
    ...(record.birthDate ? { birthDate: record.birthDate } : {}),
    ...(record.postcode ? { address: [{ postalCode: record.postcode }] } : {}),
  };
}

/** Stores a source Patient and its identity_record row (features = the MatchRecord). */
export async function addSourcePatient(repo: Repository, id: string, record: Partial<MatchRecord> = {}, source = 'test-source'): Promise<void> {
  const features: MatchRecord = { id, source, ...record };
  await repo.transaction(async (r, sql) => {
    await r.putMany([sourcePatient(id, record)]);
    await sql.query(
      `INSERT INTO identity_record (patient_id, source, features, nhs_number) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (patient_id) DO UPDATE SET features = EXCLUDED.features, nhs_number = EXCLUDED.nhs_number`,
      [id, source, JSON.stringify(features), record.nhsNumber ?? null],
    );
  });
}

/** A review-band pair (left < right as given), explained by a surname and a date of birth. */
export function pairScore(left: string, right: string, weight: number): PairScore {
  return {
    left,
    right,
    weight,
    probability: 1 / (1 + 2 ** -weight),
    grade: 'probable',
    decision: 'review',
    fields: [
      { field: 'name', level: 'jaro-winkler-0.92', weight: weight - 6, left: 'SMITH', right: 'SMYTH' },
      { field: 'birthDate', level: 'exact', weight: 6, left: '1970-01-01', right: '1970-01-01' },
    ],
    reason: 'Surname similar (SMITH / SMYTH); date of birth exact',
  };
}
