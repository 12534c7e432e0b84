// $summary: GET [base]/Patient/[id]/$summary and GET [base]/Person/[id]/$summary — the person's
// consolidated record across every linked source record, as a `collection` Bundle: medications,
// allergies, conditions, immunisations and encounters de-duplicated across sources with who reported
// each and where they disagree. Governed exactly as $everything. See: docs/record/README.md
import { requireRelationship } from '../../governance/policy/access-grant.ts';
import { linkedPatientIds, readPersonResources } from '../../record/person-resources.ts';
import { summaryBundle } from '../../record/summary-bundle.ts';
import { summarisePerson } from '../../record/summary.ts';
import type { AccessFilter } from '../../store/repository.ts';
import type { FhirContext, FhirRequest, FhirResponse, Interaction } from '../fhir-request.ts';
import { grantOf, mayAccess, readAccess } from '../rest-semantics.ts';
import { livePersonRecords } from './everything.ts';

/** The types the caller may read, or undefined when that is every type (the others are left out, not refused). */
function readableTypes(req: FhirRequest, ctx: FhirContext): string[] | undefined {
  const readable = ctx.definitions.resourceTypes.filter((t) => mayAccess(req, t, 'r'));
  return readable.length < ctx.definitions.resourceTypes.length ? readable : undefined;
}

async function summaryResponse(req: FhirRequest, ctx: FhirContext, patientIds: readonly string[], filter: AccessFilter | undefined): Promise<FhirResponse> {
  const { resources, shared } = await readPersonResources(ctx.repo, patientIds, filter, readableTypes(req, ctx));
  return { status: 200, body: summaryBundle(summarisePerson(resources, shared), req.baseUrl) };
}

/** Patient/$summary: the record named and every record linked to the same person. */
export const patientSummaryOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  const filter = readAccess(req, 'Patient', 'r');
  await ctx.repo.read('Patient', id, filter);
  requireRelationship(grantOf(req));
  return summaryResponse(req, ctx, await linkedPatientIds(ctx.ingest.db, id), filter);
};

/** Person/$summary: every record linked to the person; 410 for a merged or retired person, as Person/$everything. */
export const personSummaryOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  const filter = readAccess(req, 'Person', 'r');
  return summaryResponse(req, ctx, await livePersonRecords(req, ctx, id, filter, '$summary'), filter);
};
