// Patient/$match: "who is this?" against every source record, without storing anything. One entry
// per person, the record that matched best standing for them, graded and explained.
// See: https://hl7.org/fhir/R4/patient-operation-match.html and docs/identity/fhir.md
import type { Bundle, BundleEntry, Extension, Patient, Resource } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { MATCH_GRADE_EXTENSION, PERSON_MATCH_EXTENSION } from '../../fhir/systems.ts';
import { assertValidResource } from '../../fhir/validate.ts';
import { findMatches, type FoundMatch } from '../../identity/find-matches.ts';
import { matchRecordFromPatient } from '../../identity/patient-features.ts';
import type { Repository } from '../../store/repository.ts';
import { requireMatchAccess } from '../auth/access.ts';
import { grantOf } from '../rest-semantics.ts';
import { fullUrlOf } from '../bundles.ts';
import type { FhirRequest, Interaction } from '../fhir-request.ts';
import { operationOutcome } from '../outcome.ts';
import { operationInput } from './operation-input.ts';

const DEFAULT_COUNT = 10;
const MAX_COUNT = 100;
const RESOURCE_AT = "Parameters.parameter.where(name='resource')";
/** What a query must carry for blocking to find anyone; a Patient with none of these matches nothing. */
const IDENTIFYING = ['nhsNumber', 'family', 'given', 'birthDate', 'postcode', 'email', 'phone'] as const;

interface MatchQuery {
  patient: Patient;
  onlyCertainMatches: boolean;
  count: number;
}

/** The query Patient, from a Parameters `resource` or (as the spec's "POST a patient record") the body itself. */
function matchQuery(req: FhirRequest): MatchQuery {
  const body = req.body as Resource | undefined;
  const bare = body?.resourceType === 'Patient';
  const input = operationInput(bare ? { ...req, body: undefined } : req);
  const resource = bare ? body : input.resource('resource');
  if (!resource) throw invalid('IDENTITY_MATCH_RESOURCE', "Send the Patient to match as the 'resource' parameter", RESOURCE_AT);
  if (resource.resourceType !== 'Patient') {
    throw invalid('IDENTITY_MATCH_RESOURCE', `'resource' must be a Patient, not ${String(resource.resourceType)}`, RESOURCE_AT);
  }
  try {
    assertValidResource(resource);
  } catch (err) {
    if (err instanceof FhirError) throw new FhirError('invalid', 'IDENTITY_MATCH_RESOURCE', "'resource' is not a valid Patient", RESOURCE_AT, err.issues);
    throw err;
  }
  const record = matchRecordFromPatient(resource as Patient);
  if (!IDENTIFYING.some((field) => record[field] !== undefined)) {
    throw invalid('IDENTITY_MATCH_NOTHING', 'The Patient has nothing to match on: give an NHS number, a name, a date of birth or a postcode', RESOURCE_AT);
  }
  const count = input.integer('count');
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw invalid('OPERATION_PARAMETER_INTEGER', "'count' must be a whole number of at least 1", input.location('count'));
  }
  return { patient: resource as Patient, onlyCertainMatches: input.boolean('onlyCertainMatches') ?? false, count: Math.min(count ?? DEFAULT_COUNT, MAX_COUNT) };
}

/** The person the record belongs to and why it matched, as nested extensions. */
function personMatchExtension(found: FoundMatch): Extension {
  const { score } = found;
  return {
    url: PERSON_MATCH_EXTENSION,
    extension: [
      ...(found.personId ? [{ url: 'person', valueReference: { reference: `Person/${found.personId}` } }] : []),
      { url: 'weight', valueDecimal: score.weight },
      ...(score.rule ? [{ url: 'rule', valueCode: score.rule }] : []),
      { url: 'reason', valueString: score.reason },
      ...score.fields.map((f) => ({
        url: 'field',
        extension: [
          { url: 'field', valueCode: f.field },
          { url: 'level', valueString: f.level },
          { url: 'weight', valueDecimal: f.weight },
          ...(f.tfAdjustment !== undefined ? [{ url: 'tfAdjustment', valueDecimal: f.tfAdjustment }] : []),
        ],
      })),
    ],
  };
}

async function readPatient(repo: Repository, id: string): Promise<Patient | undefined> {
  try {
    return (await repo.read('Patient', id)) as Patient;
  } catch (err) {
    // The record was deleted after matching last saw it: it no longer stands for anyone.
    if (err instanceof FhirError && (err.category === 'not-found' || err.category === 'gone')) return undefined;
    throw err;
  }
}

/** The matches to answer with; with onlyCertainMatches, one certain match or none (the spec: never several). */
function chosen(matches: FoundMatch[], query: MatchQuery): { matches: FoundMatch[]; ambiguous: number } {
  if (!query.onlyCertainMatches) return { matches, ambiguous: 0 };
  const certain = matches.filter((m) => m.score.grade === 'certain');
  return certain.length > 1 ? { matches: [], ambiguous: certain.length } : { matches: certain, ambiguous: 0 };
}

/** POST [base]/Patient/$match with `resource`, `onlyCertainMatches` and `count`: a searchset, best match first. */
export const patientMatchOperation: Interaction = async (req, ctx) => {
  requireMatchAccess(grantOf(req));
  const query = matchQuery(req);
  const { entries, ambiguous } = await ctx.repo.transaction(async (repo, sql) => {
    const found = await findMatches(sql, query.patient, query.onlyCertainMatches ? Number.MAX_SAFE_INTEGER : query.count);
    const { matches, ambiguous } = chosen(found.matches, query);
    const entries: BundleEntry[] = [];
    for (const match of matches.slice(0, query.count)) {
      const patient = await readPatient(repo, match.patientId);
      if (!patient) continue;
      entries.push({
        fullUrl: fullUrlOf(req.baseUrl, patient),
        resource: patient,
        search: {
          mode: 'match',
          score: Number(match.score.probability.toFixed(6)),
          extension: [{ url: MATCH_GRADE_EXTENSION, valueCode: match.score.grade }, personMatchExtension(match)],
        },
      });
    }
    return { entries, ambiguous };
  });
  if (ambiguous > 0) {
    entries.push({
      resource: operationOutcome([{ severity: 'information', code: 'multiple-matches',
        message: `${ambiguous} persons match with certainty, so none is returned (onlyCertainMatches)` }]),
      search: { mode: 'outcome' },
    });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: entries.filter((e) => e.search?.mode === 'match').length,
    link: [{ relation: 'self', url: `${req.baseUrl}/Patient/$match` }],
    entry: entries,
  };
  return { status: 200, body: bundle };
};
