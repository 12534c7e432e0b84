// $everything: GET [base]/Patient/[id]/$everything (one source record's compartment) and
// GET [base]/Person/[id]/$everything (the compartments of every record linked to the person),
// paged (_count, _since, _type). See: https://hl7.org/fhir/R4/patient-operation-everything.html
import type { Person } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import type { EverythingOptions } from '../../store/everything.ts';
import type { AccessFilter, SearchResult } from '../../store/repository.ts';
import type { FhirContext, FhirRequest, FhirResponse, Interaction } from '../fhir-request.ts';
import { searchsetBundle } from '../bundles.ts';
import { requireRelationship } from '../../governance/policy/access-grant.ts';
import { grantOf, mayAccess, readAccess } from '../rest-semantics.ts';

/** The paging and type options of an $everything request. */
function everythingOptions(req: FhirRequest, ctx: FhirContext): EverythingOptions {
  const get = (name: string) => req.query.find(([k]) => k === name)?.[1];
  const count = get('_count');
  if (count !== undefined && !/^\d+$/.test(count)) throw invalid('SEARCH_COUNT', '_count must be a non-negative integer', '_count');
  const after = get('_cursor');
  if (after !== undefined && !/^\d+$/.test(after)) throw invalid('SEARCH_PAGE_TOKEN', 'Malformed paging parameters', '_cursor');
  const requested = get('_type')?.split(',').filter(Boolean);
  // Only types the token may read are returned; the others are left out, not refused.
  const readable = (requested ?? ctx.definitions.resourceTypes).filter((t) => mayAccess(req, t, 'r'));
  return {
    count: Math.min(count ? Number(count) : ctx.settings.everythingPageSize, 5000),
    ...(after ? { after } : {}),
    ...(get('_since') ? { since: get('_since')! } : {}),
    ...(requested || readable.length < ctx.definitions.resourceTypes.length ? { types: readable } : {}),
  };
}

function everythingBundle(req: FhirRequest, ctx: FhirContext, result: SearchResult): FhirResponse {
  if (result.next) result.next = [...req.query.filter(([k]) => k !== '_cursor'), ...result.next];
  return { status: 200, body: searchsetBundle(req, req.segments.join('/'), result, {}, ctx.definitions) };
}

export const patientEverythingOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  const filter = readAccess(req, 'Patient', 'r');
  const options = everythingOptions(req, ctx);
  await ctx.repo.read('Patient', id, filter);
  requireRelationship(grantOf(req));
  // The Patient was read (404 when missing or hidden): the compartment by key needs no second read.
  return everythingBundle(req, ctx, await ctx.repo.everything([id], options, filter));
};

/**
 * The source records of a live person, read under `filter` once the caller's relationship is
 * established. A retired person (its records merged into another, or split among others) answers
 * 410 naming where its records went, rather than an empty record a client could mistake for
 * "nothing known". `operation` names what to ask the survivor for.
 */
export async function livePersonRecords(req: FhirRequest, ctx: FhirContext, id: string, filter: AccessFilter | undefined, operation: string): Promise<string[]> {
  const person = (await ctx.repo.read('Person', id, filter)) as Person;
  requireRelationship(grantOf(req));
  if (person.active === false) {
    const survivor = person.link?.map((l) => l.target.reference).find((r) => r?.startsWith('Person/'));
    throw survivor
      ? new FhirError('gone', 'IDENTITY_PERSON_MERGED', `Person/${id} was merged into ${survivor}: ask for ${survivor}/${operation}`)
      : new FhirError('gone', 'IDENTITY_PERSON_RETIRED', `Person/${id} is retired: its records now belong to other persons`);
  }
  return (person.link ?? []).flatMap((l) => /^Patient\/([^/]+)$/.exec(l.target.reference ?? '')?.[1] ?? []);
}

/** Person/$everything: the person, its linked source Patients and everything in their compartments. */
export const personEverythingOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  const filter = readAccess(req, 'Person', 'r');
  const options = everythingOptions(req, ctx);
  const patientIds = await livePersonRecords(req, ctx, id, filter, '$everything');
  return everythingBundle(req, ctx, await ctx.repo.everything(patientIds, options, filter));
};
