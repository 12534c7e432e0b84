// $everything: GET [base]/Patient/[id]/$everything, paged (_count, _since, _type).
// See: https://hl7.org/fhir/R4/patient-operation-everything.html
import { invalid } from '../../fhir/errors.ts';
import type { Interaction } from '../fhir-request.ts';
import { searchsetBundle } from '../bundles.ts';
import { access } from '../rest-semantics.ts';

export const patientEverythingOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  const filter = access(req, 'Patient', 'r');
  const get = (name: string) => req.query.find(([k]) => k === name)?.[1];
  const count = get('_count');
  if (count !== undefined && !/^\d+$/.test(count)) throw invalid('SEARCH_COUNT', '_count must be a non-negative integer', '_count');
  const after = get('_cursor');
  if (after !== undefined && !/^\d+$/.test(after)) throw invalid('SEARCH_PAGE_TOKEN', 'Malformed paging parameters', '_cursor');
  const requested = get('_type')?.split(',').filter(Boolean);
  // Only types the token may read are returned; the others are left out, not refused.
  const readable = (requested ?? ctx.definitions.resourceTypes).filter((t) => {
    try {
      access(req, t, 'r');
      return true;
    } catch {
      return false;
    }
  });
  const options = {
    count: Math.min(count ? Number(count) : ctx.settings.everythingPageSize, 5000),
    ...(after ? { after } : {}),
    ...(get('_since') ? { since: get('_since')! } : {}),
    ...(requested || readable.length < ctx.definitions.resourceTypes.length ? { types: readable } : {}),
  };
  const result = await ctx.repo.everything(id, options, filter);
  if (result.next) result.next = [...req.query.filter(([k]) => k !== '_cursor'), ...result.next];
  return { status: 200, body: searchsetBundle(req, req.segments.join('/'), result, {}, ctx.definitions) };
};
