// delete: DELETE [base]/[type]/[id]; a later read answers 410 Gone. A deleted Patient also leaves its
// person (identity). See: https://hl7.org/fhir/R4/http.html#delete
import { LinkStore } from '../../identity/links/link-store.ts';
import type { Interaction } from '../fhir-request.ts';
import { informational } from '../outcome.ts';
import { access } from '../rest-semantics.ts';
import { checkDelete } from '../write-checks.ts';

export const remove: Interaction = async (req, ctx) => {
  const [type, id] = req.segments as [string, string];
  const filter = access(req, type, 'd');
  await checkDelete(req, ctx, type, id);
  if (type !== 'Patient') {
    await ctx.repo.delete(type, id, filter);
  } else {
    // A deleted source record leaves its person in the same transaction.
    await ctx.repo.transaction(async (repo, sql) => {
      await repo.delete(type, id, filter);
      await new LinkStore(repo, sql).forget(id, req.principal.subject, `Patient/${id} was deleted`);
    });
  }
  return { status: 200, body: informational(`Deleted ${type}/${id}`) };
};
