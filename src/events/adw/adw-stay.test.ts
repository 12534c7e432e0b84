// One stay's Schedule 3 notices as a state machine: the whole lifecycle, withdrawals and their answers,
// messages that do not fit, redeliveries, deadlines and late-notice warnings; plus properties over
// random message sequences (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FhirError } from '../../fhir/errors.ts';
import type { AdwAnswer, AdwWithdrawalScope } from './adw-codes.ts';
import { buildAdwMessage, buildAdwResponse, type AdwMessageInput } from './adw-builder.ts';
import { parseAdwMessage, type AdwCouncil, type AdwMessage } from './adw-message.ts';
import { applyAdwMessage, deadlines, DEFAULT_ADW_TIMINGS, type AdwStayState } from './adw-stay.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2025-03-03T09:00:00Z');
const at = (hours: number): Date => new Date(T0 + hours * HOUR);
const iso = (hours: number): string => at(hours).toISOString();
/** Proposed discharge five days after the assessment notice. */
const DISCHARGE_AT = 120;

const COUNCIL: AdwCouncil = { gss: 'E10000024', name: 'Nottinghamshire County Council' };

const BASE: AdwMessageInput = {
  kind: 'assessment-notice',
  issued: iso(0),
  stay: {
    encounter: { system: 'urn:sharedcare:id:epr-rx1:spell', value: 'SP-2002' },
    hospital: { ods: 'RX1', name: 'Queens Medical Centre' },
    admitted: iso(-48),
    proposedDischarge: iso(DISCHARGE_AT),
  },
  patient: { nhsNumber: '9990000018', name: { family: 'Testpatient', given: ['Ada'] } },
  council: COUNCIL,
  liaison: { name: { family: 'Liaison', given: ['Lee'] }, telecom: [{ system: 'phone', value: '0115 000 0001' }] },
};

function assessment(id: string, issuedHours = 0, extra: Partial<AdwMessageInput> = {}): AdwMessage {
  const statements = { patientConsulted: true, objection: false, chcConsidered: false };
  return parseAdwMessage(buildAdwMessage({ ...BASE, messageId: id, issued: iso(issuedHours), statements, ...extra }));
}

function discharge(id: string, issuedHours: number, dischargeHours = DISCHARGE_AT): AdwMessage {
  const stay = { ...BASE.stay, proposedDischarge: iso(dischargeHours) };
  return parseAdwMessage(
    buildAdwMessage({ ...BASE, kind: 'discharge-notice', messageId: id, issued: iso(issuedHours), stay, statements: { dischargeDateInformed: true } }),
  );
}

function withdraw(id: string, scope: AdwWithdrawalScope, issuedHours: number): AdwMessage {
  const { liaison: _, ...rest } = BASE;
  return parseAdwMessage(
    buildAdwMessage({ ...rest, kind: 'withdrawal', withdrawalScope: scope, messageId: id, issued: iso(issuedHours), reason: { text: 'Condition changed' } }),
  );
}

function answer(notice: AdwMessage, reply: AdwAnswer, issuedHours: number, id = `${notice.messageId}-${reply}`, council = COUNCIL): AdwMessage {
  return parseAdwMessage(buildAdwResponse(notice, reply, { council, now: at(issuedHours), messageId: id }));
}

/** Applies messages in turn, each received at the hour it was issued; returns the final state and all warnings. */
function run(messages: AdwMessage[], start?: AdwStayState): { state: AdwStayState; warnings: string[] } {
  let state = start;
  const warnings: string[] = [];
  for (const msg of messages) {
    const result = applyAdwMessage(state, msg, new Date(msg.issued));
    state = result.state;
    warnings.push(...result.warnings);
  }
  return { state: state!, warnings };
}

function conflictCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof FhirError && err.category === 'conflict') return err.code;
    throw err;
  }
  throw new Error('expected a conflict');
}

const statusOf = (state: AdwStayState, id: string): string | undefined => state.notices.find((n) => n.id === id)?.status;
const codes = (warnings: string[]): string[] => warnings.map((w) => w.split(':')[0]);

describe('the lifecycle of a stay', () => {
  it('assessment → accept → discharge notice → agree, on time and without warnings', () => {
    const a = assessment('A1', 0);
    const d = discharge('D1', 60);
    const { state, warnings } = run([a, answer(a, 'accept', 20), d, answer(d, 'agree', 70)]);
    expect(warnings).toEqual([]);
    expect(state.notices.map((n) => [n.id, n.kind, n.status])).toEqual([
      ['A1', 'assessment-notice', 'accepted'],
      ['D1', 'discharge-notice', 'agreed'],
    ]);
    expect(state.notices[0].response).toEqual({ messageId: 'A1-accept', answer: 'accept', issued: iso(20) });
    expect(state.proposedDischarge).toBe(iso(DISCHARGE_AT));
    expect(state.nhsNumber).toBe('9990000018');
    expect(Object.keys(state.seen)).toEqual(['A1', 'A1-accept', 'D1', 'D1-agree']);
  });

  it('a rejected assessment notice ends the cycle: no discharge notice, but a new assessment notice may follow', () => {
    const a = assessment('A1', 0);
    const { state } = run([a, answer(a, 'reject', 10)]);
    expect(statusOf(state, 'A1')).toBe('rejected');
    expect(conflictCode(() => applyAdwMessage(state, discharge('D1', 20), at(20)))).toBe('ADW_STATE_NO_LIVE_ASSESSMENT');
    const next = applyAdwMessage(state, assessment('A2', 30), at(30)).state;
    expect(statusOf(next, 'A2')).toBe('awaiting-response');
  });

  it('a disagreed discharge notice can be followed by a new one with another date', () => {
    const a = assessment('A1', 0);
    const d = discharge('D1', 60);
    const { state } = run([a, answer(a, 'accept', 10), d, answer(d, 'disagree', 65), discharge('D2', 70, 150)]);
    expect([statusOf(state, 'D1'), statusOf(state, 'D2')]).toEqual(['disagreed', 'awaiting-response']);
    expect(state.proposedDischarge).toBe(iso(150));
  });
});

describe('withdrawals', () => {
  const a = assessment('A1', 0);
  const d = discharge('D1', 60);
  const both = run([a, answer(a, 'accept', 10), d, answer(d, 'agree', 62)]).state;

  it('withdraw all: both notices end at once; the council accepts', () => {
    const w = withdraw('W1', 'all', 70);
    const { state } = run([w, answer(w, 'accept', 72)], both);
    expect([statusOf(state, 'A1'), statusOf(state, 'D1'), statusOf(state, 'W1')]).toEqual(['withdrawn', 'withdrawn', 'accepted']);
    expect(state.notices.find((n) => n.id === 'W1')?.withdraws).toEqual(['A1', 'D1']);
    expect(state.notices.find((n) => n.id === 'A1')?.withdrawal).toEqual({ messageId: 'W1', status: 'accepted' });
    expect(conflictCode(() => applyAdwMessage(state, discharge('D2', 80), at(80)))).toBe('ADW_STATE_NO_LIVE_ASSESSMENT');
  });

  it('withdraw all rejected by the council: recorded and warned about, the notices stay withdrawn', () => {
    const w = withdraw('W1', 'all', 70);
    const afterWithdrawal = run([w], both).state;
    expect(afterWithdrawal.notices.find((n) => n.id === 'D1')?.withdrawal).toEqual({ messageId: 'W1', status: 'awaiting-response' });
    const { state, warnings } = run([answer(w, 'reject', 71)], afterWithdrawal);
    expect(codes(warnings)).toEqual(['ADW_WITHDRAWAL_REJECTED']);
    expect([statusOf(state, 'A1'), statusOf(state, 'W1')]).toEqual(['withdrawn', 'rejected']);
    expect(state.notices.find((n) => n.id === 'D1')?.withdrawal).toEqual({ messageId: 'W1', status: 'rejected' });
  });

  it('withdraw the assessment notice only: the discharge notice stays in force', () => {
    const w = withdraw('W1', 'assessment', 70);
    const { state } = run([w, answer(w, 'accept', 71)], both);
    expect([statusOf(state, 'A1'), statusOf(state, 'D1')]).toEqual(['withdrawn', 'agreed']);
    expect(conflictCode(() => applyAdwMessage(state, withdraw('W2', 'assessment', 72), at(72)))).toBe('ADW_STATE_NOTHING_TO_WITHDRAW');
  });

  it('withdraw the discharge notice only: a new discharge notice may follow', () => {
    const w = withdraw('W1', 'discharge', 70);
    const { state } = run([w, answer(w, 'reject', 71), discharge('D2', 72, 150)], both);
    expect([statusOf(state, 'A1'), statusOf(state, 'D1'), statusOf(state, 'W1'), statusOf(state, 'D2')]).toEqual([
      'accepted',
      'withdrawn',
      'rejected',
      'awaiting-response',
    ]);
  });

  it('nothing to withdraw: before any notice, or the discharge notice when there is none', () => {
    expect(conflictCode(() => applyAdwMessage(undefined, withdraw('W1', 'all', 1), at(1)))).toBe('ADW_STATE_NOTHING_TO_WITHDRAW');
    const onlyAssessment = run([a]).state;
    expect(conflictCode(() => applyAdwMessage(onlyAssessment, withdraw('W1', 'discharge', 1), at(1)))).toBe('ADW_STATE_NOTHING_TO_WITHDRAW');
  });
});

describe('messages that do not fit', () => {
  const a = assessment('A1', 0);
  const d = discharge('D1', 60);
  const assessed = run([a, answer(a, 'accept', 10)]).state;

  it('an answer before its notice', () => {
    expect(conflictCode(() => applyAdwMessage(undefined, answer(a, 'accept', 1), at(1)))).toBe('ADW_STATE_UNKNOWN_NOTICE');
  });

  it('a discharge notice with no assessment notice', () => {
    expect(conflictCode(() => applyAdwMessage(undefined, d, at(60)))).toBe('ADW_STATE_NO_LIVE_ASSESSMENT');
  });

  it('a second assessment notice, or a second discharge notice, while the first is in force', () => {
    expect(conflictCode(() => applyAdwMessage(assessed, assessment('A2', 20), at(20)))).toBe('ADW_STATE_ASSESSMENT_LIVE');
    const withDischarge = run([d], assessed).state;
    expect(conflictCode(() => applyAdwMessage(withDischarge, discharge('D2', 61), at(61)))).toBe('ADW_STATE_DISCHARGE_LIVE');
  });

  it('a second answer to the same notice', () => {
    expect(conflictCode(() => applyAdwMessage(assessed, answer(a, 'reject', 11), at(11)))).toBe('ADW_STATE_ALREADY_ANSWERED');
    expect(conflictCode(() => applyAdwMessage(assessed, answer(a, 'accept', 11, 'A1-accept-again'), at(11)))).toBe('ADW_STATE_ALREADY_ANSWERED');
  });

  it('an answer to a notice withdrawn before the council answered', () => {
    const withdrawn = run([a, withdraw('W1', 'all', 5)]).state;
    expect(conflictCode(() => applyAdwMessage(withdrawn, answer(a, 'accept', 6), at(6)))).toBe('ADW_STATE_NOT_AWAITING_RESPONSE');
  });

  it('an answer of the wrong kind (a discharge agreement naming an assessment notice)', () => {
    const agreement = { ...answer(d, 'agree', 11), respondsTo: 'A1' };
    const pending = run([a]).state;
    expect(conflictCode(() => applyAdwMessage(pending, agreement, at(11)))).toBe('ADW_STATE_RESPONSE_MISMATCH');
  });

  it('an answer from another council', () => {
    const other = { gss: 'E06000018', name: 'Nottingham City Council' };
    expect(conflictCode(() => applyAdwMessage(run([a]).state, answer(a, 'accept', 5, 'x', other), at(5)))).toBe('ADW_STATE_WRONG_COUNCIL');
  });

  it('a message about another stay or another patient', () => {
    const otherStay = assessment('A9', 1, { stay: { ...BASE.stay, encounter: { value: 'SP-9999' } } });
    expect(conflictCode(() => applyAdwMessage(assessed, otherStay, at(1)))).toBe('ADW_STATE_OTHER_STAY');
    const otherPatient = assessment('A9', 1, { patient: { nhsNumber: '9990000026', name: { family: 'Other' } } });
    expect(conflictCode(() => applyAdwMessage(assessed, otherPatient, at(1)))).toBe('ADW_STATE_OTHER_PATIENT');
  });
});

describe('redelivery', () => {
  const a = assessment('A1', 0);

  it('the same message again changes nothing and warns of nothing', () => {
    const late = assessment('A1', 100); // late: would warn the first time
    const first = applyAdwMessage(undefined, late, at(100));
    expect(first.warnings).not.toEqual([]);
    const again = applyAdwMessage(first.state, late, at(200));
    expect(again.state).toBe(first.state);
    expect(again.warnings).toEqual([]);
  });

  it('the same message id with other content is a conflict', () => {
    const { state } = run([a]);
    const changed = assessment('A1', 0, { stay: { ...BASE.stay, proposedDischarge: iso(200) } });
    expect(conflictCode(() => applyAdwMessage(state, changed, at(1)))).toBe('ADW_STATE_MESSAGE_ID_REUSED');
  });

  it('never mutates the state it is given', () => {
    const { state } = run([a]);
    const before = JSON.stringify(state);
    applyAdwMessage(state, answer(a, 'accept', 5), at(5));
    applyAdwMessage(state, withdraw('W1', 'all', 5), at(5));
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe('deadlines', () => {
  const a = assessment('A1', 0);
  const pending = run([a]).state;

  it('the council answers an assessment notice within 48 h by default; the discharge notice is due 24 h before discharge', () => {
    expect(deadlines(pending, at(47))).toEqual([
      { what: 'council-response', noticeId: 'A1', due: iso(48), overdue: false, description: 'The council answers assessment-notice A1' },
      { what: 'discharge-notice', noticeId: 'A1', due: iso(DISCHARGE_AT - 24), overdue: false, description: 'The hospital gives the discharge notice' },
    ]);
    expect(deadlines(pending, at(49)).map((d) => [d.what, d.overdue])).toEqual([
      ['council-response', true],
      ['discharge-notice', false],
    ]);
  });

  it('follows the deployment settings', () => {
    const settings = { ...DEFAULT_ADW_TIMINGS, assessmentResponseHours: 72, dischargeLeadHours: 48 };
    expect(deadlines(pending, at(0), settings).map((d) => d.due)).toEqual([iso(72), iso(DISCHARGE_AT - 48)]);
  });

  it('once accepted, the assessment is due by the later of the minimum period and the proposed discharge', () => {
    const accepted = run([answer(a, 'accept', 10)], pending).state;
    expect(deadlines(accepted, at(11)).map((d) => [d.what, d.due])).toEqual([
      ['discharge-notice', iso(DISCHARGE_AT - 24)],
      ['assessment', iso(DISCHARGE_AT)],
    ]);
    const { proposedDischarge: _, ...undated } = BASE.stay;
    const b = assessment('B1', 0, { stay: undated });
    expect(deadlines(run([b, answer(b, 'accept', 1)]).state, at(1))).toEqual([
      { what: 'assessment', noticeId: 'B1', due: iso(48), overdue: false, description: 'The council completes the assessment for B1' },
    ]);
  });

  it('a discharge notice is answered within 24 h, but never after the proposed discharge', () => {
    const assessed = run([answer(a, 'accept', 10)], pending).state;
    const early = run([discharge('D1', 60)], assessed).state;
    expect(deadlines(early, at(61)).find((d) => d.what === 'council-response')?.due).toBe(iso(84));
    const close = run([discharge('D1', 100)], assessed).state;
    expect(deadlines(close, at(101)).find((d) => d.what === 'council-response')?.due).toBe(iso(DISCHARGE_AT));
  });

  it('a withdrawal awaits its answer; withdrawn notices have no deadlines', () => {
    const withdrawn = run([withdraw('W1', 'all', 5)], pending).state;
    expect(deadlines(withdrawn, at(5))).toEqual([
      { what: 'council-response', noticeId: 'W1', due: iso(53), overdue: false, description: 'The council answers withdrawal W1' },
    ]);
  });
});

describe('warnings', () => {
  it('an assessment notice less than 72 h before the proposed discharge', () => {
    const { warnings } = run([assessment('A1', DISCHARGE_AT - 50)]);
    expect(codes(warnings)).toEqual(['ADW_LATE_ASSESSMENT_NOTICE']);
    expect(warnings[0]).toContain('50 h');
  });

  it('an assessment notice more than seven days before the expected admission', () => {
    const stay = { ...BASE.stay, admitted: iso(24 * 8), proposedDischarge: iso(24 * 12) };
    expect(codes(run([assessment('A1', 0, { stay })]).warnings)).toEqual(['ADW_EARLY_ASSESSMENT_NOTICE']);
  });

  it('a discharge notice less than 24 h before discharge, and before the assessment notice was answered', () => {
    const { warnings } = run([assessment('A1', 0), discharge('D1', DISCHARGE_AT - 12)]);
    expect(codes(warnings)).toEqual(['ADW_ASSESSMENT_UNANSWERED', 'ADW_LATE_DISCHARGE_NOTICE']);
  });

  it('a council answer after its deadline', () => {
    const a = assessment('A1', 0);
    const { warnings } = run([a, answer(a, 'accept', 60)]);
    expect(codes(warnings)).toEqual(['ADW_LATE_RESPONSE']);
    expect(warnings[0]).toContain('12 h');
  });
});

describe('properties over random message sequences', () => {
  const a1 = assessment('A1', 0);
  const a2 = assessment('A2', 30);
  const d1 = discharge('D1', 60);
  const d2 = discharge('D2', 70, 150);
  const withdrawals = [withdraw('WA', 'all', 80), withdraw('WS', 'assessment', 81), withdraw('WD', 'discharge', 82)];
  const notices = [a1, a2, d1, d2, ...withdrawals];
  const pool: AdwMessage[] = [
    ...notices,
    ...[a1, a2].flatMap((n) => [answer(n, 'accept', 10), answer(n, 'reject', 11)]),
    ...[d1, d2].flatMap((n) => [answer(n, 'agree', 75), answer(n, 'disagree', 76)]),
    ...withdrawals.flatMap((n) => [answer(n, 'accept', 90), answer(n, 'reject', 91)]),
  ];
  // Starting every sequence with an assessment notice keeps most runs past the first message.
  const sequences = fc.array(fc.constantFrom(...pool), { maxLength: 14 }).map((rest) => [a1, ...rest]);

  it('applying a message twice equals applying it once', () => {
    fc.assert(
      fc.property(sequences, (messages) => {
        let state: AdwStayState | undefined;
        for (const msg of messages) {
          let once: ReturnType<typeof applyAdwMessage>;
          try {
            once = applyAdwMessage(state, msg, new Date(msg.issued));
          } catch (err) {
            expect(err).toBeInstanceOf(FhirError);
            expect((err as FhirError).category).toBe('conflict');
            continue;
          }
          const twice = applyAdwMessage(once.state, msg, new Date(msg.issued));
          expect(twice).toEqual({ state: once.state, warnings: [] });
          state = once.state;
        }
      }),
    );
  });

  it('at most one assessment and one discharge notice are ever in force, and the state is plain JSON', () => {
    fc.assert(
      fc.property(sequences, (messages) => {
        let state: AdwStayState | undefined;
        for (const msg of messages) {
          try {
            state = applyAdwMessage(state, msg, new Date(msg.issued)).state;
          } catch {
            continue;
          }
          const live = (kind: string, ok: string[]): number => state!.notices.filter((n) => n.kind === kind && ok.includes(n.status)).length;
          expect(live('assessment-notice', ['awaiting-response', 'accepted'])).toBeLessThanOrEqual(1);
          expect(live('discharge-notice', ['awaiting-response', 'agreed'])).toBeLessThanOrEqual(1);
          for (const n of state.notices.filter((n) => n.status === 'withdrawn')) expect(n.withdrawal).toBeDefined();
          expect(JSON.parse(JSON.stringify(state))).toEqual(state);
        }
      }),
    );
  });
});
