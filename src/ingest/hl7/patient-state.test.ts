// The newest PID wins whatever order messages arrive in, and merges stick.
import type { Patient } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdtEvent } from './adt-codes.ts';
import { mergedPatient, nextPatient, replacedBy, snapshotOf, type SnapshotEvent } from './patient-state.ts';

const described = (family: string): Patient => ({ resourceType: 'Patient', name: [{ family }], birthDate: '1950-01-01' });
const at = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, '0')}:00+01:00`;

function arrive(messages: ReadonlyArray<{ family: string; event: SnapshotEvent }>, start?: Patient): Patient | undefined {
  let stored = start;
  for (const m of messages) stored = nextPatient(stored, described(m.family), m.event);
  return stored;
}

describe('nextPatient', () => {
  it('takes the demographics of the latest event and records which event that was', () => {
    const first = nextPatient(undefined, described('Old'), { event: 'A01', at: at(0) });
    const newer = nextPatient(first, described('New'), { event: 'A08', at: at(5) });
    expect(newer.name?.[0]?.family).toBe('New');
    expect(snapshotOf(newer)).toEqual({ event: 'A08', at: at(5) });
    expect(newer.active).toBe(true);
  });

  it('keeps newer demographics when an older message arrives late', () => {
    const newer = nextPatient(undefined, described('New'), { event: 'A08', at: at(5) });
    expect(nextPatient(newer, described('Old'), { event: 'A01', at: at(0) })).toEqual(newer);
  });

  it('gives the same patient for every arrival order (property)', () => {
    const message = fc.record({
      family: fc.constantFrom('A', 'B', 'C'),
      event: fc.record({ event: fc.constantFrom<AdtEvent>('A01', 'A08', 'A31', 'A03'), at: fc.integer({ min: 0, max: 5 }).map(at) }),
    });
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 7 }).chain((ms) =>
      fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length, maxLength: ms.length }))),
    ([ms, shuffled]) => {
      expect(arrive(shuffled)).toEqual(arrive(ms));
    }), { numRuns: 300 });
  });
});

describe('merges', () => {
  it('makes the merged patient inactive and replaced-by the survivor, and keeps it so whatever PID arrives later', () => {
    const merged = mergedPatient(undefined, 'epr-rk5', 'T1', 'Patient/survivor');
    expect(merged).toMatchObject({ active: false, identifier: [{ system: 'urn:sharedcare:id:epr-rk5:mrn', value: 'T1' }] });
    expect(replacedBy(merged)).toBe('Patient/survivor');
    const later = nextPatient(merged, described('Late'), { event: 'A08', at: at(9) });
    expect(later).toMatchObject({ active: false, name: [{ family: 'Late' }], link: [{ type: 'replaced-by', other: { reference: 'Patient/survivor' } }] });
  });

  it('adds a survivor link once, whatever order merges arrive in', () => {
    const a = { other: { reference: 'Patient/a' }, type: 'replaces' as const };
    const b = { other: { reference: 'Patient/b' }, type: 'replaces' as const };
    const one = nextPatient(nextPatient(undefined, described('S'), { event: 'A40', at: at(1) }, [a]), described('S'), { event: 'A40', at: at(2) }, [b, a]);
    const two = nextPatient(nextPatient(undefined, described('S'), { event: 'A40', at: at(2) }, [b]), described('S'), { event: 'A40', at: at(1) }, [a]);
    expect(one.link).toEqual([a, b]);
    expect(two).toEqual(one);
    expect(one.active).toBe(true);
  });
});
