// $lexicon-unmapped: GET [base]/$lexicon-unmapped[?source=S] — the local codes sources sent that no
// active ConceptMap translates yet, with how often and when they were seen: the to-do list for maps.
import type { Parameters } from '@medplum/fhirtypes';
import { stillUnmapped } from '../../ingest/lexicon.ts';
import type { Interaction } from '../fhir-request.ts';
import { access } from '../rest-semantics.ts';
import { operationInput } from './operation-input.ts';

export const lexiconUnmappedOperation: Interaction = async (req, ctx) => {
  access(req, 'ConceptMap', 'r');
  const source = operationInput(req).string('source');
  const codes = await stillUnmapped(ctx.repo, ctx.ingest.db, source);
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: codes.map((u) => ({
      name: 'code',
      part: [
        { name: 'source', valueString: u.source },
        { name: 'system', valueUri: u.system },
        { name: 'code', valueCode: u.code },
        { name: 'occurrences', valueInteger: Math.min(u.occurrences, 2_147_483_647) },
        { name: 'firstSeen', valueDateTime: u.firstSeen },
        { name: 'lastSeen', valueDateTime: u.lastSeen },
      ],
    })),
  };
  return { status: 200, body };
};
