// The matching benchmark's generated population and its corruptions: same seed, same records; every
// field normalised as the engine expects; twins really are different people; each error does what it says.
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/cli/generate/random.ts';
import { isValidNhsNumber } from '../../src/fhir/nhs-number.ts';
import { CORRUPTION, dateDigitOff, postcodeTypo, swapDayMonth, typo } from '../../bench/linkage/corruption.ts';
import { parseFake1000, loadFake1000 } from '../../bench/linkage/fake-1000.ts';
import { generatePopulation } from '../../bench/linkage/population.ts';
import { areOneName } from '../../bench/linkage/uk-names.ts';
import { withinOneEdit } from '../../src/identity/similarity.ts';

const population = generatePopulation({ records: 20_000, seed: 7 });
const { records, truth, people } = population;

describe('generatePopulation', () => {
  it('makes exactly the records asked for, about 2.2 per person, with a truth per record', () => {
    expect(records).toHaveLength(20_000);
    expect(truth).toHaveLength(20_000);
    expect(records.length / people.count).toBeGreaterThan(2);
    expect(records.length / people.count).toBeLessThan(2.4);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generatePopulation({ records: 2_000, seed: 7 });
    // A smaller population is the start of a larger one with the same seed.
    expect(again.records).toEqual(records.slice(0, 2_000));
    expect(generatePopulation({ records: 2_000, seed: 8 }).records).not.toEqual(again.records);
  });

  it('holds normalised fields only', () => {
    for (const r of records) {
      for (const name of [r.given, r.middle, r.family]) if (name !== undefined) expect(name).toMatch(/^[A-Z]+$/);
      if (r.birthDate) expect(r.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (r.postcode) expect(r.postcode).toMatch(/^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/);
      if (r.nhsNumber) expect(isValidNhsNumber(r.nhsNumber) && r.nhsNumber.startsWith('999')).toBe(true);
      if (r.email) expect(r.email).toMatch(/^[a-z]+\.[a-z]+\d+@example\.(com|org|net)$/);
    }
  });

  it('gives each person their own NHS number, and records only theirs unless flagged as mistyped', () => {
    expect(new Set(people.nhsNumber).size).toBe(people.count);
    records.forEach((r, i) => {
      if (r.nhsNumber && r.nhsNumber !== people.nhsNumber[truth[i]!]) expect(population.flags[i]! & CORRUPTION.nhsWrong).toBeTruthy();
    });
  });

  it('makes twins different people with one surname, date of birth and home, and different forenames', () => {
    let twins = 0;
    for (let p = 0; p < people.count; p++) {
      const q = people.twinOf[p]!;
      if (q < 0) continue;
      twins++;
      expect(people.twinOf[q]).toBe(p);
      expect(people.birthDate[q]).toBe(people.birthDate[p]);
      expect(people.family[q]).toBe(people.family[p]);
      expect(people.household[q]).toBe(people.household[p]);
      expect(people.given[q]).not.toBe(people.given[p]);
      expect(people.nhsNumber[q]).not.toBe(people.nhsNumber[p]);
    }
    expect(twins / people.count).toBeGreaterThan(0.01);
  });

  it('applies each kind of corruption to some records, at about its documented rate', () => {
    const share = (bit: number) => population.flags.filter((f) => (f & bit) !== 0).length / records.length;
    for (const bit of Object.values(CORRUPTION)) expect(share(bit)).toBeGreaterThan(0);
    expect(share(CORRUPTION.typoFamily)).toBeGreaterThan(0.02);
    expect(share(CORRUPTION.typoFamily)).toBeLessThan(0.045);
    expect(share(CORRUPTION.nhsMissing)).toBeGreaterThan(0.25);
    expect(share(CORRUPTION.nhsWrong)).toBeLessThan(0.005);
  });

  it('marks "BABY BOY" hospital records as placeholders', () => {
    const babies = records.filter((r) => r.given === 'BABY');
    expect(babies.length).toBeGreaterThan(0);
    for (const r of babies) expect(r.placeholder).toBe('placeholder name');
  });

  it('generates a million records in a few seconds', { timeout: 30_000 }, () => {
    const started = performance.now();
    const big = generatePopulation({ records: 200_000, seed: 1 });
    expect(big.records).toHaveLength(200_000);
    // 200,000 in well under 3 s, so 1,000,000 in well under 15 s even on a busy machine.
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe('corruptions', () => {
  const random = new Random(42);

  it('makes one keying error per typo', () => {
    for (let k = 0; k < 500; k++) {
      const name = ['SMITH', 'ELIZABETH', 'LEE', 'JO'][k % 4]!;
      const wrong = typo(random, name);
      expect(wrong).not.toBe(name);
      expect(withinOneEdit(name, wrong) || [...name].sort().join('') === [...wrong].sort().join('')).toBe(true);
    }
  });

  it('swaps day and month only when that gives another real date', () => {
    expect(swapDayMonth('1980-04-07')).toBe('1980-07-04');
    expect(swapDayMonth('1980-04-13')).toBeUndefined();
    expect(swapDayMonth('1980-05-05')).toBeUndefined();
  });

  it('moves one digit of a date by one and keeps it a real date', () => {
    for (let k = 0; k < 300; k++) {
      const off = dateDigitOff(random, '1999-02-28');
      expect(off).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${off}T00:00:00Z`).toISOString().slice(0, 10)).toBe(off);
      expect([...off].filter((c, i) => c !== '1999-02-28'[i])).toHaveLength(off === '1999-02-28' ? 0 : 1);
    }
  });

  it('keeps a mistyped postcode well-formed and in the same district', () => {
    for (let k = 0; k < 200; k++) {
      const wrong = postcodeTypo(random, 'NG18 4JT');
      expect(wrong).toMatch(/^NG18 [0-9][A-Z]{2}$/);
      expect(wrong).not.toBe('NG18 4JT');
    }
  });
});

describe('areOneName', () => {
  it('joins a formal name and its short forms, and short forms of one name', () => {
    expect(areOneName('JOHN', 'JACK')).toBe(true);
    expect(areOneName('BOB', 'ROBBIE')).toBe(true);
    expect(areOneName('PEGGY', 'MARGARET')).toBe(true);
    expect(areOneName('JOHN', 'JAMES')).toBe(false);
    expect(areOneName('ZOE', 'ZOE')).toBe(true);
  });
});

describe('fake_1000', () => {
  it('maps the columns to match records with the cluster as truth', () => {
    const { records: rows, truth: clusters } = parseFake1000(
      'unique_id,first_name,surname,dob,city,email,cluster\n0,Robert,Alan,1971-06-24,,robert255@smith.net,0\n1,Rob,O\'Allen,,London,,0\n2,Jo,Ng,1990-01-02,Leeds,,1\n',
    );
    expect(rows[0]).toEqual({ id: '0', source: 'fake_1000', given: 'ROBERT', family: 'ALAN', birthDate: '1971-06-24', email: 'robert255@smith.net' });
    expect(rows[1]).toEqual({ id: '1', source: 'fake_1000', given: 'ROB', family: 'OALLEN', town: 'LONDON' });
    expect([...clusters]).toEqual([0, 0, 1]);
  });

  it('is skipped, not an error, when the file is missing', () => {
    expect(loadFake1000('/nonexistent/fake_1000.csv')).toBeUndefined();
  });
});
