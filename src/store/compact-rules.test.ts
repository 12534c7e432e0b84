import { describe, expect, it } from 'vitest';
import { compactRules, passesFilter, type AccessFilter, type AccessRule } from './repository.ts';

const people = ['11', '12'];
const hidden = ['900'];
// A member of staff's filter: one rule per data category, alike but for the types.
const staff: AccessFilter = {
  rules: [
    { types: ['Patient'], hiddenTokens: hidden },
    { types: ['Condition'], personKeys: people, includeShared: true, hiddenTokens: hidden },
    { types: ['MedicationRequest', 'MedicationStatement'], personKeys: people, includeShared: true, hiddenTokens: [...hidden] },
    { types: ['Encounter'], personKeys: people, includeShared: true, hiddenTokens: hidden, requiredTokens: ['7'] },
  ],
};

const rows = ['Patient', 'Condition', 'MedicationRequest', 'Encounter', 'Observation'].flatMap((type) =>
  [null, '11', '13'].flatMap((personKey) => [[], ['900'], ['7'], ['7', '900']].map((tokens) => ({ type, personKey, tokens }))));

describe('compactRules', () => {
  it('merges rules that differ only in their types, and the same rows pass', () => {
    const compact = compactRules(staff);
    expect(compact).toHaveLength(3);
    expect(compact[1]!.types).toEqual(['Condition', 'MedicationRequest', 'MedicationStatement']);
    for (const row of rows) expect(passesFilter({ rules: compact }, row), JSON.stringify(row)).toBe(passesFilter(staff, row));
  });

  it('keeps only the rules for a type the query fixes, without their type condition', () => {
    expect(compactRules(staff, 'Condition')).toEqual([{ personKeys: people, includeShared: true, hiddenTokens: hidden }]);
    expect(compactRules(staff, 'Observation')).toEqual([]);
    for (const type of ['Patient', 'Condition', 'Encounter', 'Observation']) {
      const fixed = { rules: compactRules(staff, type) };
      for (const row of rows.filter((r) => r.type === type)) expect(passesFilter(fixed, row)).toBe(passesFilter(staff, row));
    }
  });

  it('a rule without types absorbs the types of rules like it', () => {
    const rules: AccessRule[] = [{ types: ['Condition'], hiddenTokens: hidden }, { hiddenTokens: hidden }];
    expect(compactRules({ rules })).toEqual([{ hiddenTokens: hidden }]);
  });

  it('does not merge rules that differ in anything but their types', () => {
    const rules: AccessRule[] = [
      { types: ['Condition'], personKeys: ['11'] },
      { types: ['Encounter'], personKeys: ['12'] },
      { types: ['Flag'], personKeys: ['11'], includeShared: true },
      { types: ['Task'], personKeys: ['11'], excludedPersonKeys: ['12'] },
    ];
    expect(compactRules({ rules })).toHaveLength(4);
  });

  it('tells long key lists apart by identity, so a big caseload is never copied into a signature', () => {
    const caseload = Array.from({ length: 5000 }, (_, i) => String(i));
    const other = [...caseload];
    const rules: AccessRule[] = [{ types: ['Condition'], personKeys: caseload }, { types: ['Encounter'], personKeys: caseload }, { types: ['Flag'], personKeys: other }];
    const compact = compactRules({ rules });
    expect(compact.map((r) => r.types)).toEqual([['Condition', 'Encounter'], ['Flag']]);
  });
});
