// ADW messages: every notice and answer survives build → parse, built Bundles are valid R4, and each
// missing or wrong data item is refused with its own code and FHIRPath location.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import { loadDefinitions } from '../../fhir/definitions.ts';
import { assertValidResource } from '../../fhir/validate.ts';
import {
  ADW_ADMISSION_NOTIFICATION_CODE,
  ADW_EVENTS,
  adwEventByCode,
  noticeEventFor,
  responseEventFor,
  type AdwAnswer,
  type AdwEventDefinition,
} from './adw-codes.ts';
import { buildAdwMessage, buildAdwResponse, type AdwMessageInput } from './adw-builder.ts';
import { parseAdwMessage, type AdwCouncil, type AdwMessage } from './adw-message.ts';

beforeAll(() => {
  loadDefinitions();
});

const COUNCIL: AdwCouncil = { ods: 'XNT01', gss: 'E10000024', name: 'Nottinghamshire County Council' };

const ASSESSMENT: AdwMessageInput = {
  messageId: '2a6b6f8e-2f1c-4b7e-9d1a-6c1f0f3b1a01',
  kind: 'assessment-notice',
  issued: '2025-03-03T09:00:00Z',
  stay: {
    encounter: { system: 'urn:sharedcare:id:epr-rx1:spell', value: 'SP-1001' },
    hospital: { ods: 'RX1', name: 'Queens Medical Centre' },
    ward: 'Ward B4',
    admitted: '2025-02-27T14:30:00Z',
    proposedDischarge: '2025-03-08',
    admissionReason: 'Fall at home, fractured neck of femur',
    admissionType: 'Emergency',
  },
  patient: {
    nhsNumber: '9990000018',
    nhsNumberStatus: '01',
    hospitalNumber: { system: 'urn:sharedcare:id:epr-rx1:mrn', value: 'M123456' },
    name: { family: 'Testpatient', given: ['Ada', 'Mary'] },
    birthDate: '1938-05-14',
    gender: 'female',
    address: { lines: ['1 Example Street'], city: 'Nottingham', postalCode: 'NG1 1AA' },
    telecom: [{ system: 'phone', value: '0115 000 0000' }],
    language: 'en',
    interpreterRequired: false,
    carers: [{ name: { family: 'Testcarer', given: ['Bob'] }, telecom: [{ system: 'phone', value: '07700 900000' }] }],
  },
  council: COUNCIL,
  liaison: { name: { family: 'Liaison', given: ['Lee'] }, telecom: [{ system: 'email', value: 'lee.liaison@example.nhs.uk' }] },
  leadClinician: { name: { family: 'Consultant', given: ['Cora'] } },
  referral: { reason: 'Needs care at home after discharge', supportingInformation: 'Lives alone; stairs at home' },
  statements: {
    patientConsulted: true,
    carerConsulted: true,
    objection: false,
    chcConsidered: true,
    chcResult: 'Not eligible for NHS continuing healthcare',
    safeguardingConcern: false,
  },
};

const DISCHARGE: AdwMessageInput = {
  ...ASSESSMENT,
  messageId: 'discharge-1',
  kind: 'discharge-notice',
  issued: '2025-03-05T09:00:00Z',
  referral: undefined,
  statements: { dischargeDateInformed: true },
};

const withdrawal = (scope: 'all' | 'assessment' | 'discharge'): AdwMessageInput => ({
  messageId: `withdraw-${scope}`,
  kind: 'withdrawal',
  withdrawalScope: scope,
  issued: '2025-03-06T10:00:00Z',
  stay: ASSESSMENT.stay,
  patient: { nhsNumber: '9990000018', name: { family: 'Testpatient', given: ['Ada'] } },
  council: COUNCIL,
  reason: { system: 'https://fhir.nhs.uk/ADW-WithdrawalReason-1', code: '07', display: "Patient's condition has deteriorated", text: 'Readmitted to ITU' },
});

function expected(input: AdwMessageInput, event: AdwEventDefinition): AdwMessage {
  const { referral, statements, ...rest } = input;
  return {
    ...rest,
    messageId: input.messageId!,
    event: { code: event.code, display: event.display },
    ...(referral ? { referral } : {}),
    ...(statements ? { statements } : {}),
    ...(input.kind === 'withdrawal' ? { withdrawalScope: event.withdrawalScope } : {}),
  } as AdwMessage;
}

function clone(bundle: Bundle): Bundle {
  return structuredClone(bundle);
}

function indexOf(bundle: Bundle, type: string, nth = 0): number {
  const found = (bundle.entry ?? []).map((e, i) => [e.resource?.resourceType, i] as const).filter(([t]) => t === type);
  return found[nth][1];
}

function resource<T = Record<string, any>>(bundle: Bundle, type: string, nth = 0): T {
  return bundle.entry![indexOf(bundle, type, nth)].resource as T;
}

function header(bundle: Bundle): Record<string, any> {
  return bundle.entry![0].resource as Record<string, any>;
}

function errorOf(fn: () => unknown): FhirError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FhirError) return err;
    throw err;
  }
  throw new Error('expected a FhirError');
}

describe('ADW event codes', () => {
  it('has one definition per SNOMED code, found by code', () => {
    const events: AdwEventDefinition[] = Object.values(ADW_EVENTS);
    expect(new Set(events.map((e) => e.code)).size).toBe(events.length);
    for (const event of events) expect(adwEventByCode(event.code)).toBe(event);
    expect(adwEventByCode(ADW_ADMISSION_NOTIFICATION_CODE)).toBeUndefined();
  });

  it('pairs every response with the notice kind it answers, and nothing else', () => {
    const answers: AdwAnswer[] = ['accept', 'reject', 'agree', 'disagree'];
    for (const kind of ['assessment-notice', 'discharge-notice', 'withdrawal'] as const) {
      const allowed = answers.filter((a) => responseEventFor(kind, a));
      expect(allowed).toEqual(kind === 'discharge-notice' ? ['agree', 'disagree'] : ['accept', 'reject']);
    }
    expect(noticeEventFor('withdrawal', 'assessment')?.code).toBe(ADW_EVENTS.withdrawAssessment.code);
  });
});

describe('build → parse round trip', () => {
  it('keeps every data item of an assessment notice', () => {
    const bundle = buildAdwMessage(ASSESSMENT);
    expect(parseAdwMessage(bundle)).toEqual(expected(ASSESSMENT, ADW_EVENTS.assessmentNotice));
  });

  it('keeps a discharge notice and its proposed discharge date in Encounter.period.end', () => {
    const bundle = buildAdwMessage(DISCHARGE);
    expect(resource(bundle, 'Encounter').period.end).toBe('2025-03-08');
    expect(parseAdwMessage(bundle)).toEqual(expected(DISCHARGE, ADW_EVENTS.dischargeNotice));
  });

  it.each([
    ['all', ADW_EVENTS.withdrawAll],
    ['assessment', ADW_EVENTS.withdrawAssessment],
    ['discharge', ADW_EVENTS.withdrawDischarge],
  ] as const)('keeps a withdrawal of %s notices with its reason', (scope, event) => {
    const input = withdrawal(scope);
    const parsed = parseAdwMessage(buildAdwMessage(input));
    expect(parsed).toEqual(expected(input, event));
    expect(parsed.withdrawalScope).toBe(scope);
  });

  const answers = [
    ['assessment notice', ASSESSMENT, 'accept', ADW_EVENTS.assessmentAccept],
    ['assessment notice', ASSESSMENT, 'reject', ADW_EVENTS.assessmentReject],
    ['discharge notice', DISCHARGE, 'agree', ADW_EVENTS.dischargeAgreement],
    ['discharge notice', DISCHARGE, 'disagree', ADW_EVENTS.dischargeDisagreement],
    ['withdrawal', withdrawal('all'), 'accept', ADW_EVENTS.withdrawalAccept],
    ['withdrawal', withdrawal('discharge'), 'reject', ADW_EVENTS.withdrawalReject],
  ] as const;
  it.each(answers)('keeps the council answer to a %s: %s', (_label, input, answer, event) => {
    const notice = parseAdwMessage(buildAdwMessage(input));
    const now = new Date('2025-03-06T12:00:00Z');
    const reason = { text: 'Assessed on the ward' };
    const bundle = buildAdwResponse(notice, answer, { council: COUNCIL, now, reason, messageId: `answer-${answer}` });
    expect(header(bundle).response).toEqual({ identifier: notice.messageId, code: 'ok' });
    expect(parseAdwMessage(bundle)).toEqual({
      messageId: `answer-${answer}`,
      kind: 'response',
      event: { code: event.code, display: event.display },
      issued: now.toISOString(),
      stay: notice.stay,
      patient: { nhsNumber: notice.patient.nhsNumber, name: notice.patient.name, ...(notice.patient.birthDate ? { birthDate: notice.patient.birthDate } : {}) },
      council: COUNCIL,
      respondsTo: notice.messageId,
      answers: notice.kind,
      answer,
      reason,
    });
  });

  it('builds Bundles that pass R4 validation (with UK Core NHS number rules)', () => {
    const notice = parseAdwMessage(buildAdwMessage(ASSESSMENT));
    const bundles = [
      buildAdwMessage(ASSESSMENT),
      buildAdwMessage(DISCHARGE),
      buildAdwMessage(withdrawal('all')),
      buildAdwResponse(notice, 'accept', { council: COUNCIL, now: new Date('2025-03-04T09:00:00Z') }),
    ];
    for (const bundle of bundles) {
      expect(() => assertValidResource(bundle)).not.toThrow();
      for (const entry of bundle.entry ?? []) expect(() => assertValidResource(entry.resource as Resource)).not.toThrow();
    }
  });

  it('resolves relative references (Type/id) as well as urn:uuid ones', () => {
    const bundle = clone(buildAdwMessage(ASSESSMENT));
    const urls = new Map<string, string>();
    for (const entry of bundle.entry!) {
      const r = entry.resource!;
      urls.set(entry.fullUrl!, `${r.resourceType}/${r.id}`);
      entry.fullUrl = `https://hospital.example.org/fhir/${r.resourceType}/${r.id}`;
    }
    const relative = JSON.parse(JSON.stringify(bundle), (key, value) => (key === 'reference' && urls.has(value) ? urls.get(value) : value));
    expect(parseAdwMessage(relative)).toEqual(expected(ASSESSMENT, ADW_EVENTS.assessmentNotice));
  });

  it('refuses to build an answer that does not fit the notice', () => {
    const assessment = parseAdwMessage(buildAdwMessage(ASSESSMENT));
    expect(errorOf(() => buildAdwResponse(assessment, 'agree', { council: COUNCIL, now: new Date() })).code).toBe('ADW_ANSWER_NOT_ALLOWED');
    const answer = parseAdwMessage(buildAdwResponse(assessment, 'accept', { council: COUNCIL, now: new Date() }));
    expect(errorOf(() => buildAdwResponse(answer, 'accept', { council: COUNCIL, now: new Date() })).code).toBe('ADW_ANSWER_NOT_ALLOWED');
  });
});

type Mutation = (bundle: Bundle) => string;
const at = (bundle: Bundle, type: string, path: string, nth = 0): string => `Bundle.entry[${indexOf(bundle, type, nth)}].resource${path}`;
const item = (bundle: Bundle, linkId: string): string => at(bundle, 'QuestionnaireResponse', `.item.where(linkId='${linkId}')`);
const dropItem = (bundle: Bundle, linkId: string): void => {
  const qr = resource(bundle, 'QuestionnaireResponse');
  qr.item = qr.item.filter((i: { linkId: string }) => i.linkId !== linkId);
};

describe('each missing or wrong item of an assessment notice', () => {
  const cases: Array<[string, string, Mutation]> = [
    ['ADW_BUNDLE_TYPE', 'a collection Bundle', (b) => ((b.type = 'collection'), 'Bundle.type')],
    ['ADW_MESSAGE_HEADER_MISSING', 'the MessageHeader not first', (b) => (b.entry!.reverse(), 'Bundle.entry[0].resource')],
    ['ADW_EVENT_MISSING', 'no eventCoding', (b) => (delete header(b).eventCoding, 'Bundle.entry[0].resource.eventCoding')],
    ['ADW_EVENT_SYSTEM', 'a LOINC event', (b) => ((header(b).eventCoding.system = 'http://loinc.org'), 'Bundle.entry[0].resource.eventCoding')],
    ['ADW_EVENT_UNKNOWN', 'an unknown SNOMED code', (b) => ((header(b).eventCoding.code = '22298006'), 'Bundle.entry[0].resource.eventCoding')],
    ['ADW_MESSAGE_ID_MISSING', 'no MessageHeader.id', (b) => (delete header(b).id, 'Bundle.entry[0].resource.id')],
    ['ADW_MESSAGE_ID_INVALID', 'a MessageHeader.id with spaces', (b) => ((header(b).id = 'not an id'), 'Bundle.entry[0].resource.id')],
    ['ADW_TIMESTAMP_MISSING', 'no Bundle.timestamp', (b) => (delete b.timestamp, 'Bundle.timestamp')],
    ['ADW_TIMESTAMP_INVALID', 'a timestamp without time', (b) => ((b.timestamp = '2025-03-03'), 'Bundle.timestamp')],
    ['ADW_FOCUS_NOT_ENCOUNTER', 'focus on the Patient', (b) => ((header(b).focus = [resource(b, 'Encounter').subject]), 'Bundle.entry[0].resource.focus')],
    ['ADW_FOCUS_NOT_ENCOUNTER', 'the Encounter left out of the bundle', (b) => (b.entry!.splice(indexOf(b, 'Encounter'), 1), 'Bundle.entry[0].resource.focus')],
    ['ADW_ENCOUNTER_IDENTIFIER_MISSING', 'no stay identifier', (b) => (delete resource(b, 'Encounter').identifier, at(b, 'Encounter', '.identifier'))],
    ['ADW_PATIENT_MISSING', 'no Encounter.subject', (b) => (delete resource(b, 'Encounter').subject, at(b, 'Encounter', '.subject'))],
    ['ADW_HOSPITAL_MISSING', 'no serviceProvider', (b) => (delete resource(b, 'Encounter').serviceProvider, at(b, 'Encounter', '.serviceProvider'))],
    ['ADW_HOSPITAL_ODS_MISSING', 'a hospital without ODS code', (b) => (delete resource(b, 'Organization', 0).identifier, at(b, 'Organization', '.identifier', 0))],
    ['ADW_DATE_INVALID', 'an impossible admission date', (b) => ((resource(b, 'Encounter').period.start = '2025-02-30'), at(b, 'Encounter', '.period.start'))],
    ['ADW_NHS_NUMBER_MISSING', 'no NHS number', (b) => ((resource(b, 'Patient').identifier = resource(b, 'Patient').identifier.slice(1)), nhsAt(b))],
    ['ADW_NHS_NUMBER_INVALID', 'a wrong check digit', (b) => ((resource(b, 'Patient').identifier[0].value = '9990000019'), nhsAt(b))],
    ['ADW_NHS_NUMBER_INVALID', 'the 9999999999 filler', (b) => ((resource(b, 'Patient').identifier[0].value = '9999999999'), nhsAt(b))],
    ['ADW_PATIENT_NAME_MISSING', 'no patient name', (b) => (delete resource(b, 'Patient').name, at(b, 'Patient', '.name'))],
    ['ADW_COUNCIL_MISSING', 'no destination receiver', (b) => (delete header(b).destination[0].receiver, 'Bundle.entry[0].resource.destination[0].receiver')],
    ['ADW_COUNCIL_IDENTIFIER_MISSING', 'a council without codes', (b) => (delete resource(b, 'Organization', 1).identifier, at(b, 'Organization', '.identifier', 1))],
    ['ADW_COUNCIL_NAME_MISSING', 'a council without name', (b) => (delete resource(b, 'Organization', 1).name, at(b, 'Organization', '.name', 1))],
    ['ADW_SENDER_MISSING', 'no sender', (b) => (delete header(b).sender, 'Bundle.entry[0].resource.sender')],
    ['ADW_LIAISON_MISSING', 'no hospital liaison', (b) => (delete header(b).author, 'Bundle.entry[0].resource.author')],
    ['ADW_LIAISON_NAME_MISSING', 'a liaison without name', (b) => (delete resource(b, 'Practitioner', 0).name, at(b, 'Practitioner', '.name', 0))],
    ['ADW_LIAISON_CONTACT_MISSING', 'a liaison without phone or email', (b) => (delete resource(b, 'Practitioner', 0).telecom, at(b, 'Practitioner', '.telecom', 0))],
    ['ADW_STATEMENTS_MISSING', 'no statements', (b) => (b.entry!.splice(indexOf(b, 'QuestionnaireResponse'), 1), 'Bundle.entry.resource.ofType(QuestionnaireResponse)')],
    ['ADW_STATEMENT_MISSING', 'no patient-consulted statement', (b) => (dropItem(b, 'patient-consulted'), item(b, 'patient-consulted'))],
    ['ADW_STATEMENT_MISSING', 'no objection statement', (b) => (dropItem(b, 'objection-to-notice'), item(b, 'objection-to-notice'))],
    ['ADW_STATEMENT_MISSING', 'no CHC statement', (b) => (dropItem(b, 'chc-considered'), item(b, 'chc-considered'))],
    ['ADW_STATEMENT_MISSING', 'CHC considered without its result', (b) => (dropItem(b, 'chc-result'), item(b, 'chc-result'))],
  ];
  function nhsAt(b: Bundle): string {
    return at(b, 'Patient', ".identifier.where(system='https://fhir.nhs.uk/Id/nhs-number')");
  }

  it.each(cases)('%s: %s', (code, _label, mutate) => {
    const bundle = clone(buildAdwMessage(ASSESSMENT));
    const location = mutate(bundle);
    const err = errorOf(() => parseAdwMessage(bundle));
    expect(err.category).toBe('invalid');
    expect(err.code).toBe(code);
    expect(err.issues[0].expression).toEqual([location]);
  });

  it('refuses something that is not a Bundle', () => {
    for (const value of [undefined, 'text', { resourceType: 'Patient' }]) expect(errorOf(() => parseAdwMessage(value)).code).toBe('ADW_NOT_A_BUNDLE');
  });

  it('refuses an admission notification as unsupported, not invalid', () => {
    const bundle = clone(buildAdwMessage(ASSESSMENT));
    header(bundle).eventCoding.code = ADW_ADMISSION_NOTIFICATION_CODE;
    const err = errorOf(() => parseAdwMessage(bundle));
    expect([err.category, err.code]).toEqual(['unsupported', 'ADW_EVENT_UNSUPPORTED']);
  });

  it('lists every missing data item, not only the first', () => {
    const bundle = clone(buildAdwMessage(ASSESSMENT));
    delete header(bundle).author;
    delete resource(bundle, 'Patient').name;
    const err = errorOf(() => parseAdwMessage(bundle));
    expect(err.issues.map((i) => i.id).sort()).toEqual(['ADW_LIAISON_MISSING', 'ADW_PATIENT_NAME_MISSING']);
  });

  it('accepts an assessment notice without a proposed discharge date (reg 3(1)(e): "if known")', () => {
    const { proposedDischarge: _, ...stay } = ASSESSMENT.stay;
    expect(parseAdwMessage(buildAdwMessage({ ...ASSESSMENT, stay })).stay.proposedDischarge).toBeUndefined();
  });
});

describe('items other notices must carry', () => {
  it('a discharge notice needs its proposed discharge date', () => {
    const bundle = clone(buildAdwMessage(DISCHARGE));
    delete resource(bundle, 'Encounter').period.end;
    const err = errorOf(() => parseAdwMessage(bundle));
    expect([err.code, err.issues[0].expression]).toEqual(['ADW_PROPOSED_DISCHARGE_MISSING', [at(bundle, 'Encounter', '.period.end')]]);
  });

  it('a discharge notice states that the patient was told the date', () => {
    const bundle = clone(buildAdwMessage(DISCHARGE));
    dropItem(bundle, 'discharge-date-informed');
    const err = errorOf(() => parseAdwMessage(bundle));
    expect([err.code, err.issues[0].expression]).toEqual(['ADW_STATEMENT_MISSING', [item(bundle, 'discharge-date-informed')]]);
  });

  it('a withdrawal gives its reason', () => {
    const bundle = clone(buildAdwMessage(withdrawal('all')));
    delete header(bundle).reason;
    const err = errorOf(() => parseAdwMessage(bundle));
    expect([err.code, err.issues[0].expression]).toEqual(['ADW_REASON_MISSING', ['Bundle.entry[0].resource.reason']]);
  });

  describe('a response', () => {
    const notice = parseAdwMessage(buildAdwMessage(ASSESSMENT));
    const answer = (): Bundle => clone(buildAdwResponse(notice, 'reject', { council: COUNCIL, now: new Date('2025-03-04T09:00:00Z'), messageId: 'answer-1' }));
    const ID = 'Bundle.entry[0].resource.response.identifier';
    const responseCases: Array<[string, string, (b: Bundle) => void, string]> = [
      ['ADW_RESPONSE_IDENTIFIER_MISSING', 'no response element', (b) => delete header(b).response, ID],
      ['ADW_RESPONSE_IDENTIFIER_MISSING', 'an empty identifier', (b) => (header(b).response.identifier = ''), ID],
      ['ADW_RESPONSE_IDENTIFIER_INVALID', 'an identifier that is not an id', (b) => (header(b).response.identifier = 'notice #1'), ID],
      ['ADW_RESPONSE_IDENTIFIER_INVALID', 'an identifier naming itself', (b) => (header(b).response.identifier = 'answer-1'), ID],
      ['ADW_RESPONSE_CODE', 'a transport error code', (b) => (header(b).response.code = 'fatal-error'), 'Bundle.entry[0].resource.response.code'],
      ['ADW_COUNCIL_MISSING', 'no sender (the council)', (b) => delete header(b).sender, 'Bundle.entry[0].resource.sender'],
    ];
    it.each(responseCases)('%s: %s', (code, _label, mutate, location) => {
      const bundle = answer();
      mutate(bundle);
      const err = errorOf(() => parseAdwMessage(bundle));
      expect([err.code, err.issues[0].expression]).toEqual([code, [location]]);
    });

    it('needs no patient name, liaison or statements', () => {
      const bundle = answer();
      delete resource(bundle, 'Patient').name;
      expect(parseAdwMessage(bundle).respondsTo).toBe(notice.messageId);
    });
  });
});
