// The lexicon: a source's local codes (a council's "PSR01", a ward's "ASC-LD") translated to national
// ones by the active ConceptMaps stored in sharedcare, and the codes no map covers yet, counted per
// source so someone can write the missing map. See: https://hl7.org/fhir/R4/conceptmap.html
import type { Coding, ConceptMap } from '@medplum/fhirtypes';
import type { Queryable } from '../store/driver.ts';
import type { Repository } from '../store/repository.ts';
import { equivalenceRank, isMapped } from './concept-map.ts';

const CODELIST_PREFIX = 'urn:sharedcare:codelist:';
const PAGE_SIZE = 1000;

/** The code system of a CSV profile's local code list: `urn:sharedcare:codelist:<profile>:<list>`. */
export function localCodeSystem(profile: string, list: string): string {
  return `${CODELIST_PREFIX}${profile}:${list}`;
}

interface Candidate {
  coding: Coding;
  rank: number;
}

/** Every active ConceptMap whose group.source is one of `systems`, following search pages to the end. */
export async function loadConceptMaps(repo: Repository, systems: readonly string[], pageSize = PAGE_SIZE): Promise<ConceptMap[]> {
  if (systems.length === 0) return [];
  // Commas separate OR'd values in a search, so a system containing one is escaped.
  const value = systems.map((s) => s.replace(/\\/g, '\\\\').replace(/,/g, '\\,')).join(',');
  let query: Array<[string, string]> = [['source-system', value], ['status', 'active'], ['_count', String(pageSize)], ['_total', 'none']];
  const maps: ConceptMap[] = [];
  for (;;) {
    const result = await repo.search(repo.parseSearch('ConceptMap', query), { owner: 'sharedcare-lexicon', query });
    for (const m of result.matches) if (m.mode === 'match') maps.push(m.resource as ConceptMap);
    if (!result.next) return maps;
    query = result.next;
  }
}

/** Local codes → national codings, from the active ConceptMaps; loaded once per import. */
export class Lexicon {
  private readonly index = new Map<string, Map<string, Candidate[]>>();

  private constructor(maps: readonly ConceptMap[], systems: ReadonlySet<string>) {
    // Maps in url order, so the same lexicon always prefers the same map between equals.
    const ordered = [...maps].sort((a, b) => (a.url ?? a.id ?? '').localeCompare(b.url ?? b.id ?? ''));
    for (const map of ordered) {
      for (const group of map.group ?? []) {
        if (!group.source || !systems.has(group.source)) continue;
        const codes = this.index.get(group.source) ?? new Map<string, Candidate[]>();
        this.index.set(group.source, codes);
        for (const element of group.element ?? []) {
          if (!element.code) continue;
          for (const target of element.target ?? []) {
            const equivalence = target.equivalence ?? 'equivalent';
            if (!target.code || !isMapped(equivalence)) continue;
            const coding: Coding = {
              ...(group.target ? { system: group.target } : {}),
              ...(group.targetVersion ? { version: group.targetVersion } : {}),
              code: target.code,
              ...(target.display ? { display: target.display } : {}),
            };
            const list = codes.get(element.code) ?? [];
            list.push({ coding, rank: equivalenceRank(equivalence) });
            codes.set(element.code, list);
          }
        }
      }
    }
    for (const codes of this.index.values()) for (const list of codes.values()) list.sort((a, b) => a.rank - b.rank);
  }

  /** Loads the active ConceptMaps translating from any of `localSystems`. */
  static async load(repo: Repository, localSystems: readonly string[]): Promise<Lexicon> {
    const systems = new Set(localSystems);
    return new Lexicon(await loadConceptMaps(repo, [...systems]), systems);
  }

  /**
   * The strongest mapped target for a local code (into `targetSystem` when given), or undefined when
   * no active map translates it: equivalence unmatched or disjoint counts as not mapped.
   */
  translate(localSystem: string, code: string, targetSystem?: string): Coding | undefined {
    const candidates = this.index.get(localSystem)?.get(code);
    const best = candidates?.find((c) => targetSystem === undefined || c.coding.system === targetSystem);
    return best ? { ...best.coding } : undefined;
  }
}

/**
 * Adds a run's unmapped codes (system → code → occurrences) to the per-source tally: occurrences
 * are added and last_seen moves on, so the list shows what is still arriving.
 */
export async function recordUnmapped(db: Queryable, source: string, unmapped: Record<string, Record<string, number>>): Promise<void> {
  const rows = Object.entries(unmapped)
    .flatMap(([system, codes]) => Object.entries(codes).map(([code, n]) => ({ system, code, n })))
    .filter((r) => r.n > 0)
    // One order for every writer, so two imports of one source cannot deadlock on these rows.
    .sort((a, b) => (a.system === b.system ? (a.code < b.code ? -1 : 1) : a.system < b.system ? -1 : 1));
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO lexicon_unmapped (source, system, code, occurrences)
     SELECT $1, u.system, u.code, u.n FROM jsonb_to_recordset($2::jsonb) AS u(system text, code text, n bigint)
     ON CONFLICT (source, system, code) DO UPDATE
       SET occurrences = lexicon_unmapped.occurrences + excluded.occurrences, last_seen = now()`,
    [source, JSON.stringify(rows)],
  );
}

export interface UnmappedCode {
  source: string;
  system: string;
  code: string;
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
}

/** The unmapped-code tally, per source and system, most frequent first. */
export async function listUnmapped(db: Queryable, source?: string): Promise<UnmappedCode[]> {
  const { rows } = await db.query<{ source: string; system: string; code: string; occurrences: string; first_seen: string; last_seen: string }>(
    `SELECT source, system, code, occurrences::text, first_seen::text, last_seen::text FROM lexicon_unmapped
     ${source === undefined ? '' : 'WHERE source = $1'} ORDER BY source, system, occurrences DESC, code`,
    source === undefined ? [] : [source],
  );
  return rows.map((r) => ({
    source: r.source,
    system: r.system,
    code: r.code,
    occurrences: Number(r.occurrences),
    firstSeen: new Date(r.first_seen).toISOString(),
    lastSeen: new Date(r.last_seen).toISOString(),
  }));
}

/** The tally without the codes an active ConceptMap now translates: what still needs a map. */
export async function stillUnmapped(repo: Repository, db: Queryable, source?: string): Promise<UnmappedCode[]> {
  const all = await listUnmapped(db, source);
  const lexicon = await Lexicon.load(repo, [...new Set(all.map((u) => u.system))]);
  return all.filter((u) => lexicon.translate(u.system, u.code) === undefined);
}
