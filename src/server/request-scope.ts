// Which person a request is about, when it names one: Patient/{id}, Person/{id}, any resource by
// id, or a search by patient or subject. Governance then looks up relationships and consent for
// that person only, instead of for everyone the caller is related to. Finding no person is an
// answer too (the request is about no one the caller may see).
import { membersOf } from '../identity/links/link-rows.ts';
import type { Queryable } from '../store/driver.ts';
import { personKeyOf } from '../store/hash.ts';
import type { FhirRequest } from './fhir-request.ts';

export interface RequestScope {
  /** Person keys of the records named. */
  keys: string[];
  /** The same records as `Patient/<id>`, for the audit trail (also of refused requests). */
  patients: string[];
}

const PATIENT_PARAMS = new Set(['patient', 'subject', 'patient:Patient', 'subject:Patient', 'beneficiary', 'individual']);

/** The scope of `req`, or undefined when it is not about one known set of people. */
export async function requestScope(sql: Queryable, req: FhirRequest): Promise<RequestScope | undefined> {
  const [type, id, third] = req.segments;
  if (!type || type.startsWith('$') || type.startsWith('_')) return undefined;
  const named = id !== undefined && !id.startsWith('$') && !id.startsWith('_');
  if (named && type === 'Patient') return ofPatients([id!]);
  if (named && type === 'Person') {
    return ofPatients((await membersOf(sql, [id!])).map((link) => link.patientId));
  }
  if (named) {
    const { rows } = await sql.query<{ person_key: string | null; patient_id: string | null }>(
      `SELECT r.person_key, p.id AS patient_id FROM resource r
         LEFT JOIN resource p ON p.type = 'Patient' AND p.person_key = r.person_key
        WHERE r.type = $1 AND r.id = $2`,
      [type, id],
    );
    const row = rows[0];
    // A shared resource (an Organization…) or an unknown id: not about a person.
    if (!row?.person_key) return undefined;
    return { keys: [row.person_key], patients: row.patient_id ? [`Patient/${row.patient_id}`] : [] };
  }
  if (third !== undefined || (req.method !== 'GET' && req.method !== 'HEAD' && !(req.method === 'POST' && id === '_search'))) return undefined;
  return searchScope(type, req.query);
}

/** A search whose every result must belong to the patients it names (patient=, subject=, Patient?_id=). */
function searchScope(type: string, query: ReadonlyArray<[string, string]>): RequestScope | undefined {
  const ids: string[] = [];
  let scoped = false;
  for (const [name, value] of query) {
    const patientParam = PATIENT_PARAMS.has(name) || (type === 'Patient' && name === '_id');
    if (!patientParam) continue;
    const refs = value.split(',').map((v) => v.trim());
    const patientIds = refs.map((v) => /^(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(v)?.[1]);
    // subject=Group/… or a full URL: not a plain patient id, so no narrowing.
    if (patientIds.some((p) => p === undefined) || (name.startsWith('subject') && !refs.every((v) => v.startsWith('Patient/')))) return undefined;
    // Repeated parameters intersect; taking their union is still a superset of the results.
    ids.push(...(patientIds as string[]));
    scoped = true;
  }
  return scoped ? ofPatients(ids) : undefined;
}

function ofPatients(ids: readonly string[]): RequestScope {
  const unique = [...new Set(ids)];
  return { keys: unique.map(personKeyOf), patients: unique.map((id) => `Patient/${id}`) };
}
