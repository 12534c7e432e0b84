// search-type: GET [base]/[type]?params and POST [base]/[type]/_search (form body).
// See: https://hl7.org/fhir/R4/http.html#search
import type { Interaction } from '../fhir-request.ts';
import { searchsetBundle } from '../bundles.ts';
import { mayAccess, readAccess } from '../rest-semantics.ts';

export const searchType: Interaction = async (req, ctx) => {
  const [type] = req.segments as [string];
  const filter = readAccess(req, type, 's');
  const lenient = /handling=lenient/.test(req.header('prefer') ?? '');
  const request = ctx.repo.parseSearch(type, req.query, lenient);
  // Included types need their own read permission; without it they are simply not included.
  request.include = request.include.filter((s) => canRead(req, s.def === '*' ? s.targetType : s.def.targets.length === 1 ? s.def.targets[0] : s.targetType));
  request.revinclude = request.revinclude.filter((s) => canRead(req, s.sourceType));
  const result = await ctx.repo.search(request, { owner: req.principal.subject, query: req.query, ...(filter ? { filter } : {}) });
  const shape = { ...(request.summary ? { summary: request.summary } : {}), ...(request.elements ? { elements: request.elements } : {}) };
  return { status: 200, body: searchsetBundle(req, type, result, shape, ctx.definitions) };
};

function canRead(req: Parameters<Interaction>[0], type: string | undefined): boolean {
  return mayAccess(req, type ?? '*', 'r');
}
