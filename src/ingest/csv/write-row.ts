// A canonical record → one CSV row in a profile's columns, the inverse of read-row.ts: dates in the
// profile's first pattern and zone, yes/no in its words, national codes back to its local codes
// through the ConceptMaps shipped beside it. Used to write synthetic supplier extracts.
import type { ConceptMap } from '@medplum/fhirtypes';
import { localCodeSystem } from '../lexicon.ts';
import { DERIVED_FIELDS, SCHEMAS, type RecordType, type SocialCareRecord } from '../social-care/records.ts';
import type { CsvProfile } from './profile.ts';

/** National code → local code, per local code system, from a profile's ConceptMaps (the first mapping wins). */
export class ReverseCodes {
  private readonly bySystem = new Map<string, Map<string, string>>();

  constructor(maps: readonly ConceptMap[]) {
    for (const map of maps) {
      for (const group of map.group ?? []) {
        if (!group.source) continue;
        const codes = this.bySystem.get(group.source) ?? new Map<string, string>();
        this.bySystem.set(group.source, codes);
        for (const element of group.element ?? []) {
          for (const target of element.target ?? []) {
            const equivalence = target.equivalence ?? 'equivalent';
            if (element.code && target.code && (equivalence === 'equivalent' || equivalence === 'equal') && !codes.has(target.code)) {
              codes.set(target.code, element.code);
            }
          }
        }
      }
    }
  }

  local(localSystem: string, code: string): string | undefined {
    return this.bySystem.get(localSystem)?.get(code);
  }
}

/** The columns a profile writes for a record type, in the profile's order. */
export function columnsOf(profile: CsvProfile, recordType: RecordType): string[] {
  return Object.keys(profile.records[recordType]?.columns ?? {});
}

/** Writes a record as values for columnsOf(profile, type); a code with no local equivalent is written as the national code. */
export function writeRow(profile: CsvProfile, record: SocialCareRecord, reverse: ReverseCodes): string[] {
  const recordProfile = profile.records[record.recordType];
  if (!recordProfile) throw new Error(`Profile ${profile.name} does not write ${record.recordType} records`);
  const defs = new Map(SCHEMAS[record.recordType].fields.map((f) => [f.name, f]));
  const derived = (DERIVED_FIELDS[record.recordType] ?? {}) as Record<string, (r: SocialCareRecord) => boolean>;
  const values = record as unknown as Record<string, unknown>;
  const dates = recordProfile.dates;
  return Object.values(recordProfile.columns).map((field) => {
    if (derived[field]) return profile.booleans[derived[field]!(record) ? 'true' : 'false'][0]!;
    const def = defs.get(field)!;
    const value = values[field];
    if (value === undefined) return '';
    switch (def.kind) {
      case 'date': return dates.writeDate(value as string);
      case 'dateTime': return dates.writeDateTime(value as string);
      case 'boolean': return profile.booleans[value ? 'true' : 'false'][0]!;
      case 'idList': case 'textList': return (value as string[]).join(profile.listSeparator);
      case 'dateList': return (value as string[]).map((d) => (d === '' ? '' : dates.writeDate(d))).join(profile.listSeparator);
      case 'enum': {
        const local = recordProfile.values[field];
        return (local && Object.entries(local).find(([, v]) => v === value)?.[0]) ?? (value as string);
      }
      case 'code': {
        const list = recordProfile.codes[field];
        return (list && reverse.local(localCodeSystem(profile.name, list), value as string)) ?? (value as string);
      }
      default: return value as string;
    }
  });
}
