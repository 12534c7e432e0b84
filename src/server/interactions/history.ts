// history: instance, type and system. See: https://hl7.org/fhir/R4/http.html#history
import { invalid } from '../../fhir/errors.ts';
import type { FhirRequest, Interaction } from '../fhir-request.ts';
import { historyBundle } from '../bundles.ts';
import { access } from '../rest-semantics.ts';

function historyOptions(req: FhirRequest, maxCount: number) {
  const get = (name: string) => req.query.find(([k]) => k === name)?.[1];
  for (const [name] of req.query) {
    if (!['_count', '_since', '_before', '_format', '_pretty'].includes(name)) {
      throw invalid('HISTORY_PARAM', `History does not support the parameter '${name}'`, name);
    }
  }
  const count = get('_count');
  if (count !== undefined && !/^\d+$/.test(count)) throw invalid('SEARCH_COUNT', '_count must be a non-negative integer', '_count');
  const since = get('_since');
  const before = get('_before');
  return { count: Math.min(count ? Number(count) : 50, maxCount), ...(since ? { since } : {}), ...(before ? { before } : {}) };
}

export const history: Interaction = async (req, ctx) => {
  const [type, id] = req.segments;
  const path = req.segments.join('/');
  if (type === '_history') {
    // System history needs search permission on every type.
    const filter = access(req, '*', 's');
    return { status: 200, body: historyBundle(req, path, await ctx.repo.history(undefined, undefined, historyOptions(req, 1000), filter)) };
  }
  const filter = access(req, type!, id && id !== '_history' ? 'r' : 's');
  const page = await ctx.repo.history(type, id === '_history' ? undefined : id, historyOptions(req, 1000), filter);
  return { status: 200, body: historyBundle(req, path, page) };
};
