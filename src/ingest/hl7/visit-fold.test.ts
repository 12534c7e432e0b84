// Event semantics of a visit, and the property that makes out-of-order feeds safe: the Encounter
// depends on the set of events, never on the order they arrived in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdtEvent } from './adt-codes.ts';
import type { VisitEvent } from './visit-event.ts';
import { foldEvents, visitEncounter, withEvent } from './visit-fold.ts';

const context = { source: 'epr-rk5', visit: 'V1', subject: 'Patient/p1' };
const t = (hhmm: string, day = '01') => `2024-03-${day}T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00+00:00`;
const ev = (event: AdtEvent, at: string, more: Partial<VisitEvent> = {}): VisitEvent => ({ event, at, mrn: 'M1', patientClass: 'I', ...more });

/** Applies events one by one in arrival order, as the ingestor does with what is stored. */
function arrive(events: readonly VisitEvent[]) {
  let stored: VisitEvent[] = [];
  for (const e of events) stored = withEvent(stored, e);
  return visitEncounter(stored, context);
}

const admit = ev('A01', t('1000'), { location: 'W1^B1^1', admitted: t('0945'), admitMethod: '21', attending: 'Dr A Smith', hospital: 'RK5' });
const discharge = ev('A03', t('1400', '05'), { location: 'W1^B1^1', discharged: t('1330', '05'), disposition: '54' });

describe('visit events in order', () => {
  it('A01 admits (in progress, admitted time, ward active) and A03 discharges (finished, end, destination, ward completed)', () => {
    expect(arrive([admit])).toMatchObject({ status: 'in-progress', period: { start: t('0945') }, location: [{ status: 'active', period: { start: t('0945') } }] });
    const done = arrive([admit, discharge]);
    expect(done).toMatchObject({
      status: 'finished',
      period: { start: t('0945'), end: t('1330', '05') },
      hospitalization: { dischargeDisposition: { coding: [{ system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestinationEngland', code: '54' }] } },
      location: [{ status: 'completed', period: { start: t('0945'), end: t('1330', '05') } }],
    });
    expect(done.statusHistory).toEqual([
      { status: 'in-progress', period: { start: t('1000'), end: t('1400', '05') } },
      { status: 'finished', period: { start: t('1400', '05') } },
    ]);
    expect(done.hospitalization?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe('21');
  });

  it('A02 moves the patient on, keeping the history with periods; A12 takes the last transfer back', () => {
    const move1 = ev('A02', t('1200'), { location: 'W2^^3', priorLocation: 'W1^B1^1' });
    const move2 = ev('A02', t('1500'), { location: 'W3', priorLocation: 'W2^^3' });
    const moved = arrive([admit, move1, move2]);
    expect(moved.location?.map((l) => [l.location.identifier?.value, l.status, l.period])).toEqual([
      ['W1^B1^1', 'completed', { start: t('0945'), end: t('1200') }],
      ['W2^^3', 'completed', { start: t('1200'), end: t('1500') }],
      ['W3', 'active', { start: t('1500') }],
    ]);
    const reverted = arrive([admit, move1, move2, ev('A12', t('1510'), { location: 'W3' })]);
    expect(reverted.location?.map((l) => [l.location.identifier?.value, l.status, l.period])).toEqual([
      ['W1^B1^1', 'completed', { start: t('0945'), end: t('1200') }],
      ['W2^^3', 'active', { start: t('1200') }],
    ]);
  });

  it('A12 never takes back the admission ward', () => {
    expect(arrive([admit, ev('A12', t('1100'))]).location).toHaveLength(1);
  });

  it('A13 reverts a discharge: in progress again, end and destination removed, ward active', () => {
    const undone = arrive([admit, discharge, ev('A13', t('1500', '05'))]);
    expect(undone.status).toBe('in-progress');
    expect(undone.period).toEqual({ start: t('0945') });
    expect(undone.hospitalization?.dischargeDisposition).toBeUndefined();
    expect(undone.location?.[0]).toMatchObject({ status: 'active', period: { start: t('0945') } });
  });

  it('A11 cancels: an admission sent in error is entered-in-error, a pre-admission that never happened is cancelled', () => {
    expect(arrive([admit, ev('A11', t('1100'))]).status).toBe('entered-in-error');
    const planned = ev('A05', t('0900'), { patientClass: 'P', expected: t('0900', '10'), location: 'W9' });
    expect(arrive([planned])).toMatchObject({ status: 'planned', period: { start: t('0900', '10') }, location: [{ status: 'planned' }] });
    expect(arrive([planned, ev('A11', t('1000'))]).status).toBe('cancelled');
  });

  it('A05 then A01: the planned encounter is admitted, to the ward the admission names', () => {
    const planned = ev('A05', t('0900'), { patientClass: 'P', expected: t('0900', '10'), location: 'W9' });
    const admitted = arrive([planned, ev('A01', t('1000', '10'), { location: 'W4', admitted: t('0955', '10') })]);
    expect(admitted).toMatchObject({ status: 'in-progress', class: { code: 'IMP' }, period: { start: t('0955', '10') } });
    expect(admitted.location?.map((l) => [l.location.identifier?.value, l.status])).toEqual([['W4', 'active']]);
  });

  it('A04 registers an attendance as arrived; its class comes from PV1-2', () => {
    expect(arrive([ev('A04', t('0800'), { patientClass: 'E', location: 'ED' })])).toMatchObject({ status: 'arrived', class: { code: 'EMER' }, period: { start: t('0800') } });
  });

  it('admission and transfer in the same minute fold admission first', () => {
    const same = t('1000');
    const result = arrive([ev('A02', same, { location: 'W2' }), ev('A01', same, { location: 'W1' })]);
    expect(result.location?.map((l) => l.location.identifier?.value)).toEqual(['W1', 'W2']);
  });

  it('a later empty field keeps a value; HL7 "" removes it', () => {
    expect(arrive([admit, ev('A08', t('1100'))]).participant?.[0]?.individual?.display).toBe('Dr A Smith');
    expect(arrive([admit, ev('A08', t('1100'), { attending: '""' })]).participant).toBeUndefined();
  });

  it('an encounter known only from events without a class gets the null-flavour class', () => {
    expect(arrive([ev('A13', t('1000'), { patientClass: undefined })])).toMatchObject({ status: 'unknown', class: { code: 'UNK' } });
  });
});

describe('out of order', () => {
  it('an A03 before its A01 makes a finished encounter the late A01 does not reopen', () => {
    const early = arrive([discharge]);
    expect(early).toMatchObject({ status: 'finished', period: { end: t('1330', '05') } });
    const late = arrive([discharge, admit]);
    expect(late.status).toBe('finished');
    expect(late).toEqual(arrive([admit, discharge]));
  });

  it('an A13 that overtakes its A03 still leaves the visit in progress', () => {
    const cancel = ev('A13', t('1500', '05'));
    expect(arrive([admit, cancel, discharge])).toEqual(arrive([admit, discharge, cancel]));
    expect(arrive([cancel, discharge, admit]).status).toBe('in-progress');
  });

  it('a re-sent event adds nothing', () => {
    expect(arrive([admit, discharge, admit, discharge])).toEqual(arrive([admit, discharge]));
    expect(foldEvents([admit, admit]).history).toHaveLength(1);
  });

  const event = fc.record({
    event: fc.constantFrom<AdtEvent>('A01', 'A02', 'A03', 'A04', 'A05', 'A08', 'A11', 'A12', 'A13'),
    minute: fc.integer({ min: 0, max: 40 }),
    ward: fc.constantFrom('W1', 'W2', 'W3', undefined),
    destination: fc.constantFrom('19', '54', undefined),
    attending: fc.constantFrom('Dr X', '""', undefined),
  }).map(({ event: kind, minute, ward, destination, attending }) => ev(kind, `2024-03-01T${String(8 + Math.floor(minute / 6)).padStart(2, '0')}:${String((minute % 6) * 10).padStart(2, '0')}:00+00:00`, {
    ...(ward ? { location: ward } : {}), ...(kind === 'A03' && destination ? { disposition: destination } : {}), ...(attending ? { attending } : {}),
  }));

  it('gives the same Encounter for every arrival order of the same events (property)', () => {
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 9 }).chain((events) =>
      fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }))),
    ([events, shuffled]) => {
      expect(arrive(shuffled)).toEqual(arrive(events));
    }), { numRuns: 400 });
  });
});
