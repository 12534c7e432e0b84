// The Care Act 2014 Schedule 3 message events (ADW: Assessment, Discharge, Withdrawal) and how they
// pair up: which are the hospital's notices, which are the council's answers, and to what.
// See: ../../../docs/events/adw.md and ../../../../shared/reference/uk-standards.md §5

import { SHAREDCARE_CODE_SYSTEM_PREFIX, SNOMED_SYSTEM } from '../../fhir/systems.ts';

/** The value set `MessageHeader.eventCoding` is drawn from (SNOMED CT refset 75691000000106). */
export const ADW_MESSAGE_EVENT_VALUE_SET = 'https://fhir.nhs.uk/ValueSet/ADW-MessageEvent-1';
export const ADW_EVENT_SYSTEM = SNOMED_SYSTEM;

/** A notice the hospital gives; the council answers each one. */
export type AdwNoticeKind = 'assessment-notice' | 'discharge-notice' | 'withdrawal';
export type AdwKind = AdwNoticeKind | 'response';
export type AdwWithdrawalScope = 'all' | 'assessment' | 'discharge';
/** accept/reject answer assessment notices and withdrawals; agree/disagree answer discharge notices. */
export type AdwAnswer = 'accept' | 'reject' | 'agree' | 'disagree';

export interface AdwEventDefinition {
  readonly code: string;
  readonly display: string;
  readonly kind: AdwKind;
  /** Withdrawals only: which notices it withdraws. */
  readonly withdrawalScope?: AdwWithdrawalScope;
  /** Responses only: the kind of notice answered. */
  readonly answers?: AdwNoticeKind;
  /** Responses only: the answer given. */
  readonly answer?: AdwAnswer;
}

// Displays are the SNOMED synonyms the ADW value set uses (nhsconnect/FHIR-ADW-Messaging, adw-message-event-1).
const SCHEDULE_3 = 'under the Care Act 2014 Schedule 3';

/** Every ADW event sharedcare handles, keyed by a short name. */
export const ADW_EVENTS = {
  assessmentNotice: { code: '975701000000106', display: `Assessment Notice ${SCHEDULE_3}`, kind: 'assessment-notice' },
  assessmentAccept: {
    code: '975711000000108',
    display: `Assessment Notice Accept Response ${SCHEDULE_3}`,
    kind: 'response',
    answers: 'assessment-notice',
    answer: 'accept',
  },
  assessmentReject: {
    code: '975721000000102',
    display: `Assessment Notice Reject Response ${SCHEDULE_3}`,
    kind: 'response',
    answers: 'assessment-notice',
    answer: 'reject',
  },
  dischargeNotice: { code: '975731000000100', display: `Discharge Notice ${SCHEDULE_3}`, kind: 'discharge-notice' },
  dischargeAgreement: {
    code: '975821000000109',
    display: `Discharge Notice Agreement ${SCHEDULE_3}`,
    kind: 'response',
    answers: 'discharge-notice',
    answer: 'agree',
  },
  dischargeDisagreement: {
    code: '975831000000106',
    display: `Discharge Notice Disagreement ${SCHEDULE_3}`,
    kind: 'response',
    answers: 'discharge-notice',
    answer: 'disagree',
  },
  withdrawAll: { code: '975841000000102', display: `Withdraw All Notices ${SCHEDULE_3}`, kind: 'withdrawal', withdrawalScope: 'all' },
  withdrawAssessment: {
    code: '1078011000000107',
    display: `Withdraw Assessment Notice Only ${SCHEDULE_3}`,
    kind: 'withdrawal',
    withdrawalScope: 'assessment',
  },
  withdrawDischarge: {
    code: '975851000000104',
    display: `Withdraw Discharge Notice Only ${SCHEDULE_3}`,
    kind: 'withdrawal',
    withdrawalScope: 'discharge',
  },
  withdrawalAccept: {
    code: '1025651000000109',
    display: `Withdraw Notice Accept ${SCHEDULE_3}`,
    kind: 'response',
    answers: 'withdrawal',
    answer: 'accept',
  },
  withdrawalReject: {
    code: '1025641000000106',
    display: `Withdraw Notice Reject ${SCHEDULE_3}`,
    kind: 'response',
    answers: 'withdrawal',
    answer: 'reject',
  },
} as const satisfies Record<string, AdwEventDefinition>;

/**
 * In the value set but not handled: an admission notification is not a Schedule 3 notice and
 * needs no answer, so it is refused as unsupported rather than as an unknown code.
 */
export const ADW_ADMISSION_NOTIFICATION_CODE = '895571000000108';

const BY_CODE: ReadonlyMap<string, AdwEventDefinition> = new Map(
  Object.values(ADW_EVENTS).map((event: AdwEventDefinition) => [event.code, event]),
);

/** The ADW event with this SNOMED code, if sharedcare handles it. */
export function adwEventByCode(code: string): AdwEventDefinition | undefined {
  return BY_CODE.get(code);
}

/** The event of a notice of this kind (and, for withdrawals, this scope). */
export function noticeEventFor(kind: AdwNoticeKind, scope?: AdwWithdrawalScope): AdwEventDefinition | undefined {
  return Object.values(ADW_EVENTS).find(
    (event: AdwEventDefinition) => event.kind === kind && (kind !== 'withdrawal' || event.withdrawalScope === scope),
  );
}

/** The response event answering a notice of this kind with this answer; undefined when the pair makes no sense. */
export function responseEventFor(answered: AdwNoticeKind, answer: AdwAnswer): AdwEventDefinition | undefined {
  return Object.values(ADW_EVENTS).find(
    (event: AdwEventDefinition) => event.kind === 'response' && event.answers === answered && event.answer === answer,
  );
}

/** Canonical of the statements a notice carries as a QuestionnaireResponse (no national Questionnaire exists in R4). */
export const ADW_STATEMENTS_QUESTIONNAIRE = 'urn:sharedcare:questionnaire:adw-notice-statements';

/** linkIds of the statements. Regulations 2014/2823 reg 3(1)(f) for assessment notices; the rest as the ADW spec carries them. */
export const ADW_STATEMENT_ITEMS = {
  patientConsulted: 'patient-consulted',
  carerConsulted: 'carer-consulted',
  objection: 'objection-to-notice',
  chcConsidered: 'chc-considered',
  chcResult: 'chc-result',
  safeguardingConcern: 'safeguarding-concern',
  safeguardingDetails: 'safeguarding-details',
  dischargeDateInformed: 'discharge-date-informed',
} as const;

/** Patient.contact.relationship marking a carer (no national code for "carer" is confirmed). */
export const ADW_CARER_RELATIONSHIP = { system: `${SHAREDCARE_CODE_SYSTEM_PREFIX}contact-role`, code: 'carer', display: 'Carer' } as const;

/** MESH-style address of an ODS-coded organisation, as the ADW spec writes MessageHeader endpoints. */
export const ODS_ADDRESS_PREFIX = 'urn:nhs-uk:addressing:ods:';
/** Address of a council known only by its GSS code (no national form exists). */
export const GSS_ADDRESS_PREFIX = 'urn:sharedcare:addressing:gss:';
