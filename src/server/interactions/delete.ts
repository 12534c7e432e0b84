// delete: DELETE [base]/[type]/[id]; a later read answers 410 Gone. See: https://hl7.org/fhir/R4/http.html#delete
import type { Interaction } from '../fhir-request.ts';
import { informational } from '../outcome.ts';
import { access } from '../rest-semantics.ts';

export const remove: Interaction = async (req, ctx) => {
  const [type, id] = req.segments as [string, string];
  await ctx.repo.delete(type, id, access(req, type, 'd'));
  return { status: 200, body: informational(`Deleted ${type}/${id}`) };
};
