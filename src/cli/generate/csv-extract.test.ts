// The synthetic council extracts: deterministic, one folder per council system in its supplier's
// layout, a realistic share of bad rows, and code tables that agree with the import's.
import { describe, expect, it } from 'vitest';
import { loadProfile, recordTypeForFile, SHIPPED_PROFILES_DIR } from '../../ingest/csv/profile.ts';
import * as tables from '../../ingest/social-care/code-tables.ts';
import { CodeTable } from '../../ingest/social-care/code-tables.ts';
import { csvExtracts, profileForSource } from './csv-extract.ts';
import { generatePopulation } from './generate-population.ts';
import * as generatorCodes from './social-care-codes.ts';

const population = () => generatePopulation({ people: 1000, seed: 11 });
const SHIPPED = [SHIPPED_PROFILES_DIR];

describe('csvExtracts', () => {
  const extracts = csvExtracts(population());

  it('is deterministic: the same population always gives the same bytes', () => {
    expect(csvExtracts(population())).toEqual(extracts);
  });

  it('writes each council system in its supplier\'s layout, a file per record type named as the profile expects', () => {
    expect(extracts.length).toBeGreaterThan(5);
    for (const extract of extracts) {
      expect(extract.profile).toBe(profileForSource(extract.source));
      const profile = loadProfile(extract.profile, SHIPPED);
      for (const file of extract.files) {
        expect(recordTypeForFile(profile, file.name), file.name).toBe(file.recordType);
        expect(file.content.split(/\r?\n/).filter(Boolean).length).toBe(file.rows + 1);
      }
    }
    expect(new Set(extracts.map((e) => e.profile))).toEqual(new Set(['mosaic-example', 'liquidlogic-example', 'generic']));
    const mosaic = extracts.find((e) => e.profile === 'mosaic-example')!.files[0]!.content;
    expect(mosaic.startsWith('\ufeffPERSON_ID,')).toBe(true);
    expect(mosaic).toContain('\r\n');
  });

  it('spoils about 1.5% of rows, each in a required field, and lists them', () => {
    const rows = extracts.flatMap((e) => e.files).reduce((n, f) => n + f.rows, 0);
    const bad = extracts.flatMap((e) => e.badRows);
    expect(bad.length / rows).toBeGreaterThan(0.005);
    expect(bad.length / rows).toBeLessThan(0.03);
    expect(new Set(bad.map((b) => b.problem))).toEqual(new Set(['nhs-number', 'unknown-code', 'bad-date', 'missing-field']));
    for (const extract of extracts) {
      for (const b of extract.badRows) {
        const file = extract.files.find((f) => f.name === b.file && f.recordType === b.recordType)!;
        const line = file.content.replace(/^\ufeff/, '').split(/\r?\n/)[b.line - 1]!;
        expect(line, `${b.file}:${b.line}`).toContain(b.localId);
      }
    }
  });
});

describe('code tables', () => {
  it('every code the generator writes is in the import\'s tables, with the same display', () => {
    const known = Object.values(tables).filter((t): t is CodeTable => t instanceof CodeTable).flatMap((t) => t.entries);
    const codes = Object.values(generatorCodes).flatMap((group) => (typeof group === 'object' && group !== null ? Object.values(group) : []))
      .filter((c): c is { system: string; code: string; display: string } => typeof c === 'object' && c !== null && 'system' in c && 'code' in c);
    expect(codes.length).toBeGreaterThan(50);
    for (const c of codes) expect(known, `${c.system}|${c.code}`).toContainEqual({ system: c.system, code: c.code, display: c.display });
  });
});
