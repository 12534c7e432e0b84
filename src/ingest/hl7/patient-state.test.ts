// The newest PID wins whatever order messages arrive in, and merges stick.
import type { Patient } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdtEvent } from './adt-codes.ts';
import { compareEvents, judgePatient, mergedPatient, nextPatient, replacedBy, snapshotOf, takesDetails, type SnapshotEvent } from './patient-state.ts';

const described = (family: string): Patient => ({ resourceType: 'Patient', name: [{ family }], birthDate: '1950-01-01' });
const at = (minute: number) => `2024-05-01T10:${String(minute).padStart(2, '0')}:00+01:00`;

interface Message {
  family: string;
  event: SnapshotEvent;
  /** A visit message: its event is kept in the visit's log (the evidence latestVisitEvent reads). */
  visit: boolean;
}

/** The ingestor's decisions, with the visit event logs modelled as a list. */
function arrive(messages: readonly Message[]): { patient: Patient | undefined; writes: number } {
  let stored: Patient | undefined;
  let writes = 0;
  const visitEvents: SnapshotEvent[] = [];
  for (const m of messages) {
    const judgement = judgePatient(stored, described(m.family), m.event);
    const latest = visitEvents.reduce<SnapshotEvent | undefined>((a, e) => (!a || compareEvents(e, a) > 0 ? e : a), undefined);
    const take = takesDetails(judgement, m.event, m.visit, latest);
    const next = nextPatient(stored, described(m.family), m.event, take);
    if (JSON.stringify(next) !== JSON.stringify(stored)) writes++;
    stored = next;
    if (m.visit) visitEvents.push(m.event);
  }
  return { patient: stored, writes };
}

const visit = (family: string, event: AdtEvent, minute: number): Message => ({ family, event: { event, at: at(minute) }, visit: true });
const person = (family: string, event: AdtEvent, minute: number): Message => ({ family, event: { event, at: at(minute) }, visit: false });
const family = (p: Patient | undefined) => p?.name?.[0]?.family;

describe('patient details', () => {
  it('takes the details of the latest event and records which event that was', () => {
    const { patient } = arrive([visit('Old', 'A01', 0), person('New', 'A08', 5)]);
    expect(family(patient)).toBe('New');
    expect(snapshotOf(patient)).toEqual({ event: 'A08', at: at(5) });
    expect(patient?.active).toBe(true);
  });

  it('keeps newer details when an older message arrives late', () => {
    expect(family(arrive([person('New', 'A08', 5), visit('Old', 'A01', 0)]).patient)).toBe('New');
  });

  it('writes the Patient once for a stay whose messages repeat the same details', () => {
    expect(arrive([visit('Same', 'A01', 0), visit('Same', 'A02', 1), visit('Same', 'A03', 2)]).writes).toBe(1);
  });

  it('does not let a late message undo a reverted change (a visit repeating the details is evidence)', () => {
    // Details X, changed to Y at :02, changed back to X at :03 by a visit message; Y's message arrives last.
    const messages = [visit('X', 'A01', 1), visit('X', 'A03', 3), person('Y', 'A08', 2)];
    expect(family(arrive(messages).patient)).toBe('X');
  });

  it('gives the same details for every arrival order (property)', () => {
    const message = fc.record({
      family: fc.constantFrom('A', 'B', 'C'),
      event: fc.record({ event: fc.constantFrom<AdtEvent>('A01', 'A08', 'A31', 'A03'), at: fc.integer({ min: 0, max: 5 }).map(at) }),
      visit: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 7 }).chain((ms) =>
      fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length, maxLength: ms.length }))),
    ([ms, shuffled]) => {
      expect(family(arrive(shuffled).patient)).toBe(family(arrive(ms).patient));
    }), { numRuns: 500 });
  });
});

describe('merges', () => {
  it('makes the merged patient inactive and replaced-by the survivor, and keeps it so whatever PID arrives later', () => {
    const merged = mergedPatient(undefined, 'epr-rk5', 'T1', 'Patient/survivor');
    expect(merged).toMatchObject({ active: false, identifier: [{ system: 'urn:sharedcare:id:epr-rk5:mrn', value: 'T1' }] });
    expect(replacedBy(merged)).toBe('Patient/survivor');
    const later = nextPatient(merged, described('Late'), { event: 'A08', at: at(9) }, true);
    expect(later).toMatchObject({ active: false, name: [{ family: 'Late' }], link: [{ type: 'replaced-by', other: { reference: 'Patient/survivor' } }] });
  });

  it('adds a survivor link once, whatever order merges arrive in', () => {
    const a = { other: { reference: 'Patient/a' }, type: 'replaces' as const };
    const b = { other: { reference: 'Patient/b' }, type: 'replaces' as const };
    const one = nextPatient(nextPatient(undefined, described('S'), { event: 'A40', at: at(1) }, true, [a]), described('S'), { event: 'A40', at: at(2) }, true, [b, a]);
    const two = nextPatient(nextPatient(undefined, described('S'), { event: 'A40', at: at(2) }, true, [b]), described('S'), { event: 'A40', at: at(1) }, false, [a]);
    expect(one.link).toEqual([a, b]);
    expect(two).toEqual(one);
    expect(one.active).toBe(true);
  });
});
