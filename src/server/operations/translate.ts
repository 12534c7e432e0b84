// ConceptMap $translate: GET|POST [base]/ConceptMap/$translate and [base]/ConceptMap/[id]/$translate,
// answered from the stored ConceptMaps by the same rules the lexicon applies during imports.
// See: https://hl7.org/fhir/R4/conceptmap-operation-translate.html
import type { Coding, ConceptMap, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';
import { isMapped, matchConcept, type ConceptMatch } from '../../ingest/concept-map.ts';
import type { AccessFilter } from '../../store/repository.ts';
import type { FhirContext, FhirRequest, Interaction } from '../fhir-request.ts';
import { access } from '../rest-semantics.ts';
import { operationInput, type OperationInput } from './operation-input.ts';

const MAX_MAPS = 1000;

interface TranslateQuery {
  codings: Coding[];
  targetSystem?: string;
  reverse: boolean;
}

/** The codes to translate: exactly one of code+system, coding, or codeableConcept. */
function codingsOf(input: OperationInput): Coding[] {
  const code = input.string('code');
  const coding = input.coding('coding');
  const concept = input.codeableConcept('codeableConcept');
  const given = [code, coding, concept].filter((v) => v !== undefined).length;
  if (given === 0) throw invalid('TRANSLATE_NO_CODE', '$translate needs a code (with system), a coding or a codeableConcept', input.location('code'));
  if (given > 1) throw invalid('TRANSLATE_AMBIGUOUS', 'Give only one of code, coding and codeableConcept', input.location('code'));
  if (code !== undefined) {
    const system = input.string('system');
    if (!system) throw invalid('TRANSLATE_NO_SYSTEM', 'A code needs the system it belongs to', input.location('system'));
    const version = input.string('version');
    return [{ system, code, ...(version ? { version } : {}) }];
  }
  const codings = coding ? [coding] : (concept?.coding ?? []);
  const where = input.location(coding ? 'coding' : 'codeableConcept');
  if (codings.length === 0 || codings.some((c) => !c.code || !c.system)) {
    throw invalid('TRANSLATE_NO_SYSTEM', 'Each coding to translate needs a system and a code', where);
  }
  return codings;
}

async function searchMaps(ctx: FhirContext, query: Array<[string, string]>, filter: AccessFilter | undefined): Promise<ConceptMap[]> {
  const request = ctx.repo.parseSearch('ConceptMap', [...query, ['_count', String(MAX_MAPS)], ['_total', 'none']]);
  const result = await ctx.repo.search(request, { owner: 'translate', ...(filter ? { filter } : {}) });
  return result.matches.filter((m) => m.mode === 'match').map((m) => m.resource as ConceptMap);
}

/** The maps to consult: the one in the URL, the one named by url, or the active maps for the code's system. */
async function candidateMaps(req: FhirRequest, ctx: FhirContext, input: OperationInput, q: TranslateQuery): Promise<ConceptMap[]> {
  const filter = access(req, 'ConceptMap', 'r');
  if (req.segments.length === 3) return [(await ctx.repo.read('ConceptMap', req.segments[1]!, filter)) as ConceptMap];
  const supplied = input.resource('conceptMap');
  if (supplied) {
    if (supplied.resourceType !== 'ConceptMap') throw invalid('TRANSLATE_CONCEPTMAP', "'conceptMap' must be a ConceptMap", input.location('conceptMap'));
    return [supplied as ConceptMap];
  }
  const url = input.string('url');
  const version = input.string('conceptMapVersion');
  if (url) return searchMaps(ctx, [['url', url], ...(version ? [['version', version] as [string, string]] : [])], filter);
  const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
  const systems = [...new Set(q.codings.map((c) => c.system!))].map(escape).join(',');
  // Read backwards, the code's system is the map's target and the wanted system its source.
  const [from, to] = q.reverse ? ['target-system', 'source-system'] : ['source-system', 'target-system'];
  const query: Array<[string, string]> = [[from, systems], ['status', 'active']];
  if (q.targetSystem) query.push([to, escape(q.targetSystem)]);
  // Value sets may be given as uri or canonical, which are different search parameters: filter here.
  const codeSet = input.string('source');
  const wantedSet = input.string('target');
  const maps = (await searchMaps(ctx, query, filter)).filter((m) => {
    const [mine, theirs] = q.reverse ? [valueSetOf(m, 'target'), valueSetOf(m, 'source')] : [valueSetOf(m, 'source'), valueSetOf(m, 'target')];
    return (!codeSet || mine === codeSet) && (!wantedSet || theirs === wantedSet);
  });
  return version ? maps.filter((m) => m.version === version) : maps;
}

function valueSetOf(map: ConceptMap, side: 'source' | 'target'): string | undefined {
  return side === 'source' ? (map.sourceUri ?? map.sourceCanonical) : (map.targetUri ?? map.targetCanonical);
}

function matchPart(match: ConceptMatch): ParametersParameter {
  return {
    name: 'match',
    part: [
      { name: 'equivalence', valueCode: match.equivalence },
      ...(match.concept ? [{ name: 'concept', valueCoding: match.concept }] : []),
      { name: 'source', valueUri: match.source },
    ],
  };
}

function describe(codings: readonly Coding[]): string {
  return codings.map((c) => `${c.system}|${c.code}`).join(', ');
}

/** The Parameters answer for a set of matches. */
export function translateResult(codings: readonly Coding[], maps: readonly ConceptMap[], matches: readonly ConceptMatch[]): Parameters {
  const result = matches.some((m) => isMapped(m.equivalence));
  let message: string | undefined;
  if (maps.length === 0) message = `No ConceptMap applies to ${describe(codings)}`;
  else if (!result) message = `No mapping found for ${describe(codings)}`;
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'result', valueBoolean: result },
      ...(message ? [{ name: 'message', valueString: message }] : []),
      ...matches.map(matchPart),
    ],
  };
}

export const translateOperation: Interaction = async (req, ctx) => {
  const input = operationInput(req);
  const targetSystem = input.string('targetsystem');
  const q: TranslateQuery = { codings: codingsOf(input), reverse: input.boolean('reverse') ?? false, ...(targetSystem ? { targetSystem } : {}) };
  const maps = await candidateMaps(req, ctx, input, q);
  const matches = maps
    .flatMap((map) => q.codings.flatMap((c) => matchConcept(map, { system: c.system!, code: c.code!, reverse: q.reverse, ...(q.targetSystem ? { targetSystem: q.targetSystem } : {}) })))
    .sort((a, b) => Number(isMapped(b.equivalence)) - Number(isMapped(a.equivalence)));
  return { status: 200, body: translateResult(q.codings, maps, matches) };
};
