// How one ConceptMap translates one code: the rules the lexicon and the $translate operation share,
// so a code an import counts as mapped is exactly one $translate says is mapped.
// See: https://hl7.org/fhir/R4/conceptmap.html and https://hl7.org/fhir/R4/valueset-concept-map-equivalence.html
import type { Coding, ConceptMap } from '@medplum/fhirtypes';

/** Equivalences that mean "this target may stand for the source code", strongest first. */
export const MAPPED_EQUIVALENCES = ['equal', 'equivalent', 'wider', 'subsumes', 'narrower', 'specializes', 'relatedto', 'inexact'] as const;

/** `unmatched` and `disjoint` say there is no target; they are answers, but not translations. */
export function isMapped(equivalence: string): boolean {
  return (MAPPED_EQUIVALENCES as readonly string[]).includes(equivalence);
}

/** Lower is stronger; unmapped equivalences sort last. */
export function equivalenceRank(equivalence: string): number {
  const i = (MAPPED_EQUIVALENCES as readonly string[]).indexOf(equivalence);
  return i < 0 ? MAPPED_EQUIVALENCES.length : i;
}

// Read backwards, "the target is wider than the source" becomes "the source is narrower than the target".
const REVERSED: Record<string, string> = { wider: 'narrower', narrower: 'wider', subsumes: 'specializes', specializes: 'subsumes' };

export interface ConceptMatch {
  equivalence: string;
  /** Absent when the map says there is no target (unmatched). */
  concept?: Coding;
  /** The map that gave the answer: its canonical url, or `ConceptMap/<id>` when it has none. */
  source: string;
}

export interface MatchQuery {
  /** Code system of `code`; absent: any group's. */
  system?: string;
  code: string;
  /** Only groups translating into this system. */
  targetSystem?: string;
  /** Translate from target back to source. */
  reverse?: boolean;
}

export function mapSource(map: ConceptMap): string {
  return map.url ?? `ConceptMap/${map.id ?? ''}`;
}

function coding(system: string | undefined, version: string | undefined, code: string, display: string | undefined): Coding {
  return { ...(system ? { system } : {}), ...(version ? { version } : {}), code, ...(display ? { display } : {}) };
}

/** Every answer `map` gives for the code, strongest first (mapped before unmatched/disjoint). */
export function matchConcept(map: ConceptMap, query: MatchQuery): ConceptMatch[] {
  const source = mapSource(map);
  const matches: ConceptMatch[] = [];
  for (const group of map.group ?? []) {
    const from = query.reverse ? group.target : group.source;
    const to = query.reverse ? group.source : group.target;
    if (query.system !== undefined && from !== query.system) continue;
    if (query.targetSystem !== undefined && to !== query.targetSystem) continue;
    for (const element of group.element ?? []) {
      for (const target of element.target ?? []) {
        const equivalence = target.equivalence ?? 'equivalent';
        if (!query.reverse && element.code === query.code) {
          matches.push({ equivalence, source, ...(target.code ? { concept: coding(to, group.targetVersion, target.code, target.display) } : {}) });
        } else if (query.reverse && target.code === query.code && element.code && isMapped(equivalence)) {
          matches.push({ equivalence: REVERSED[equivalence] ?? equivalence, source, concept: coding(to, group.sourceVersion, element.code, element.display) });
        }
      }
    }
  }
  // A stable sort keeps the map's own order among equally strong targets.
  return matches.sort((a, b) => equivalenceRank(a.equivalence) - equivalenceRank(b.equivalence));
}
