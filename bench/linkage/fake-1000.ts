// Splink's public labelled set fake_1000 (1,000 synthetic records, truth in `cluster`) as match records,
// so our figures can sit beside anyone else's on the same data. It lives beside the repository in
// ../shared/testdata/linkage/ (see its PROVENANCE.md); a clone without it skips the dataset.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { MatchRecord } from '../../src/identity/match-types.ts';
import { normaliseBirthDate, normaliseEmail, normaliseName, normaliseTown } from '../../src/identity/normalise.ts';

/** Where the file is expected: `../shared/testdata/linkage/fake_1000.csv` from the repository root. */
export const FAKE_1000_PATH = fileURLToPath(new URL('../../../shared/testdata/linkage/fake_1000.csv', import.meta.url));

export interface LabelledRecords {
  records: MatchRecord[];
  /** The true cluster of each record. */
  truth: Int32Array;
}

interface Row { unique_id: string; first_name: string; surname: string; dob: string; city: string; email: string; cluster: string }

/** The rows of a fake_1000-shaped CSV as match records: first_name → given, surname → family, dob, city → town, email. */
export function parseFake1000(csv: string): LabelledRecords {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Row[];
  const records: MatchRecord[] = [];
  const truth = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    const cluster = Number(row.cluster);
    if (!Number.isInteger(cluster)) throw new Error(`fake_1000 row ${i + 2}: cluster "${row.cluster}" is not a whole number`);
    truth[i] = cluster;
    const record: MatchRecord = { id: row.unique_id, source: 'fake_1000' };
    const given = normaliseName(row.first_name);
    const family = normaliseName(row.surname);
    const birthDate = normaliseBirthDate(row.dob);
    const town = normaliseTown(row.city);
    const email = normaliseEmail(row.email);
    if (given) record.given = given;
    if (family) record.family = family;
    if (birthDate) record.birthDate = birthDate;
    if (town) record.town = town;
    if (email) record.email = email;
    records.push(record);
  });
  return { records, truth };
}

/** The dataset, or undefined when the file is not beside the repository. */
export function loadFake1000(path = FAKE_1000_PATH): LabelledRecords | undefined {
  if (!existsSync(path)) return undefined;
  return parseFake1000(readFileSync(path, 'utf8'));
}
