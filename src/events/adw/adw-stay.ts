// Where one hospital stay's Schedule 3 notices stand: a pure state machine over parsed ADW messages
// (notice → council answer, withdrawals) and the deadlines that follow from it. Storage is the caller's;
// the state is plain JSON. See: ../../../docs/events/adw.md

import { createHash } from 'node:crypto';
import { FhirError } from '../../fhir/errors.ts';
import { parseDateRange } from '../../fhir/date-range.ts';
import type { AdwAnswer, AdwNoticeKind, AdwWithdrawalScope } from './adw-codes.ts';
import type { AdwCouncil, AdwIdentifier, AdwMessage, AdwReason } from './adw-message.ts';

export type AdwNoticeStatus = 'awaiting-response' | 'accepted' | 'rejected' | 'agreed' | 'disagreed' | 'withdrawn';
export type AdwWithdrawalStatus = 'awaiting-response' | 'accepted' | 'rejected';

/** One notice the hospital gave (assessment, discharge or withdrawal) and what became of it. */
export interface AdwNoticeRecord {
  id: string;
  kind: AdwNoticeKind;
  eventCode: string;
  issued: string;
  receivedAt: string;
  council: AdwCouncil;
  status: AdwNoticeStatus;
  proposedDischarge?: string;
  withdrawalScope?: AdwWithdrawalScope;
  /** Withdrawals: the notices this one withdrew. */
  withdraws?: string[];
  /** Withdrawn notices: the withdrawal, and the council's answer to it so far. */
  withdrawal?: { messageId: string; status: AdwWithdrawalStatus };
  response?: { messageId: string; answer: AdwAnswer; issued: string; reason?: AdwReason };
}

export interface AdwStayState {
  stayKey: string;
  encounter: AdwIdentifier;
  hospitalOds: string;
  nhsNumber: string;
  /** The latest proposed discharge date any notice gave. */
  proposedDischarge?: string;
  notices: AdwNoticeRecord[];
  /** Message id → content fingerprint of every message applied, so redeliveries are recognised. */
  seen: Record<string, string>;
}

/**
 * Deployment settings for ADW timing. Defaults to confirm locally: Schedule 3 and the Care and Support
 * (Discharge of Hospital Patients) Regulations 2014 were revoked on 1 July 2022 (Health and Care Act
 * 2022 s.91), so these stand as local agreements. See docs/events/adw.md for each source.
 */
export interface AdwTimingSettings {
  /** Hours the council has to accept or reject an assessment notice (local procedures: 48 h). */
  assessmentResponseHours: number;
  /** Hours the council has to agree or disagree a discharge notice; never later than the proposed discharge. */
  dischargeResponseHours: number;
  /** Hours the council has to accept or reject a withdrawal. */
  withdrawalResponseHours: number;
  /** An assessment notice should come at least this long before the proposed discharge. */
  assessmentLeadHours: number;
  /** A discharge notice should come at least this long before the proposed discharge (reg 5: one day). */
  dischargeLeadHours: number;
  /** The council's minimum time to assess after an assessment notice (reg 8: two days). */
  minimumAssessmentHours: number;
  /** An assessment notice may not be given more than this many days before admission (Sch. 3 para 1(3)(b)). */
  maxDaysBeforeAdmission: number;
}

export const DEFAULT_ADW_TIMINGS: Readonly<AdwTimingSettings> = {
  assessmentResponseHours: 48,
  dischargeResponseHours: 24,
  withdrawalResponseHours: 48,
  assessmentLeadHours: 72,
  dischargeLeadHours: 24,
  minimumAssessmentHours: 48,
  maxDaysBeforeAdmission: 7,
};

export interface AdwDeadline {
  what: 'council-response' | 'discharge-notice' | 'assessment';
  /** The notice the deadline hangs on. */
  noticeId: string;
  due: string;
  overdue: boolean;
  description: string;
}

const HOUR = 3_600_000;
const ANSWERED: Record<AdwAnswer, AdwNoticeStatus> = { accept: 'accepted', reject: 'rejected', agree: 'agreed', disagree: 'disagreed' };

/** The key a stay's state is kept under: the hospital's encounter identifier. */
export function adwStayKey(msg: AdwMessage): string {
  return `${msg.stay.hospital.ods}|${msg.stay.encounter.system ?? ''}|${msg.stay.encounter.value}`;
}

/**
 * Applies one message to the stay's state. A redelivered message (same id, same content) changes nothing;
 * a message that does not fit throws FhirError `conflict` (`ADW_STATE_…`). Warnings flag late notices.
 */
export function applyAdwMessage(
  state: AdwStayState | undefined,
  msg: AdwMessage,
  now: Date,
  settings: AdwTimingSettings = DEFAULT_ADW_TIMINGS,
): { state: AdwStayState; warnings: string[] } {
  const fingerprint = fingerprintOf(msg);
  const seen = state?.seen[msg.messageId];
  if (seen === fingerprint) return { state: state!, warnings: [] };
  if (seen !== undefined) throw conflict('ADW_STATE_MESSAGE_ID_REUSED', `Message ${msg.messageId} was already received with different content`);
  if (state) checkSameStay(state, msg);
  const next: AdwStayState = state ? structuredClone(state) : initialState(msg);
  const warnings: string[] = [];
  if (msg.kind === 'assessment-notice') addAssessmentNotice(next, msg, now, settings, warnings);
  else if (msg.kind === 'discharge-notice') addDischargeNotice(next, msg, now, settings, warnings);
  else if (msg.kind === 'withdrawal') addWithdrawal(next, msg, now);
  else applyResponse(next, msg, settings, warnings);
  next.seen[msg.messageId] = fingerprint;
  return { state: next, warnings };
}

function initialState(msg: AdwMessage): AdwStayState {
  return { stayKey: adwStayKey(msg), encounter: msg.stay.encounter, hospitalOds: msg.stay.hospital.ods, nhsNumber: msg.patient.nhsNumber, notices: [], seen: {} };
}

function checkSameStay(state: AdwStayState, msg: AdwMessage): void {
  if (adwStayKey(msg) !== state.stayKey) throw conflict('ADW_STATE_OTHER_STAY', 'The message is about another hospital stay');
  if (msg.patient.nhsNumber !== state.nhsNumber) throw conflict('ADW_STATE_OTHER_PATIENT', 'The message names another patient for this stay');
}

function addAssessmentNotice(state: AdwStayState, msg: AdwMessage, now: Date, settings: AdwTimingSettings, warnings: string[]): void {
  const live = liveNotice(state, 'assessment-notice');
  if (live) throw conflict('ADW_STATE_ASSESSMENT_LIVE', `Assessment notice ${live.id} is still in force; withdraw it first`);
  state.notices.push(record(msg, now));
  const given = instant(msg.issued);
  const discharge = instant(msg.stay.proposedDischarge);
  if (discharge !== undefined && discharge - given < settings.assessmentLeadHours * HOUR) {
    warnings.push(late('ADW_LATE_ASSESSMENT_NOTICE', 'assessment', msg, discharge - given, settings.assessmentLeadHours));
  }
  const admitted = instant(msg.stay.admitted);
  if (admitted !== undefined && admitted - given > settings.maxDaysBeforeAdmission * 24 * HOUR) {
    const days = settings.maxDaysBeforeAdmission;
    warnings.push(`ADW_EARLY_ASSESSMENT_NOTICE: assessment notice ${msg.messageId} was given more than ${days} days before the expected admission`);
  }
  if (msg.stay.proposedDischarge) state.proposedDischarge = msg.stay.proposedDischarge;
}

function addDischargeNotice(state: AdwStayState, msg: AdwMessage, now: Date, settings: AdwTimingSettings, warnings: string[]): void {
  const assessment = liveNotice(state, 'assessment-notice');
  // Sch. 3 para 2: a discharge notice follows an assessment notice that is in force.
  if (!assessment) throw conflict('ADW_STATE_NO_LIVE_ASSESSMENT', 'A discharge notice needs an assessment notice in force for this stay');
  const live = liveNotice(state, 'discharge-notice');
  if (live) throw conflict('ADW_STATE_DISCHARGE_LIVE', `Discharge notice ${live.id} is still in force; withdraw it first`);
  if (assessment.status === 'awaiting-response') {
    warnings.push(`ADW_ASSESSMENT_UNANSWERED: discharge notice ${msg.messageId} came before the council answered assessment notice ${assessment.id}`);
  }
  state.notices.push(record(msg, now));
  const discharge = instant(msg.stay.proposedDischarge);
  const given = instant(msg.issued);
  if (discharge !== undefined && discharge - given < settings.dischargeLeadHours * HOUR) {
    warnings.push(late('ADW_LATE_DISCHARGE_NOTICE', 'discharge', msg, discharge - given, settings.dischargeLeadHours));
  }
  state.proposedDischarge = msg.stay.proposedDischarge;
}

function addWithdrawal(state: AdwStayState, msg: AdwMessage, now: Date): void {
  const scope = msg.withdrawalScope ?? 'all';
  const targets = state.notices.filter(
    (n) => isLive(n) && (scope === 'all' || n.kind === (scope === 'assessment' ? 'assessment-notice' : 'discharge-notice')),
  );
  if (targets.length === 0) throw conflict('ADW_STATE_NOTHING_TO_WITHDRAW', `No ${scope === 'all' ? '' : `${scope} `}notice is in force to withdraw`);
  // Sch. 3 para 1(5)(c): a notice ends when the withdrawal is given; the council's answer is recorded, not awaited.
  for (const target of targets) {
    target.status = 'withdrawn';
    target.withdrawal = { messageId: msg.messageId, status: 'awaiting-response' };
  }
  state.notices.push({ ...record(msg, now), withdrawalScope: scope, withdraws: targets.map((t) => t.id) });
}

function applyResponse(state: AdwStayState, msg: AdwMessage, settings: AdwTimingSettings, warnings: string[]): void {
  const notice = state.notices.find((n) => n.id === msg.respondsTo);
  if (!notice) throw conflict('ADW_STATE_UNKNOWN_NOTICE', `No notice ${msg.respondsTo ?? ''} has been received for this stay`);
  if (notice.kind !== msg.answers) throw conflict('ADW_STATE_RESPONSE_MISMATCH', `A ${msg.event.display} cannot answer a ${notice.kind}`);
  if (notice.response) throw conflict('ADW_STATE_ALREADY_ANSWERED', `Notice ${notice.id} was already answered by ${notice.response.messageId}`);
  if (notice.status !== 'awaiting-response') throw conflict('ADW_STATE_NOT_AWAITING_RESPONSE', `Notice ${notice.id} is ${notice.status}, not awaiting an answer`);
  if (!sameCouncil(notice.council, msg.council)) throw conflict('ADW_STATE_WRONG_COUNCIL', `Notice ${notice.id} was given to another council`);
  const answer = msg.answer!;
  notice.status = ANSWERED[answer];
  notice.response = { messageId: msg.messageId, answer, issued: msg.issued, ...(msg.reason ? { reason: msg.reason } : {}) };
  const due = responseDue(notice, settings);
  if (instant(msg.issued) > due) {
    warnings.push(`ADW_LATE_RESPONSE: the council answered ${notice.kind} ${notice.id} ${hours(instant(msg.issued) - due)} h after it was due`);
  }
  if (notice.kind !== 'withdrawal') return;
  const status: AdwWithdrawalStatus = answer === 'accept' ? 'accepted' : 'rejected';
  for (const target of state.notices.filter((n) => notice.withdraws?.includes(n.id))) target.withdrawal = { messageId: notice.id, status };
  if (status === 'rejected') {
    warnings.push(`ADW_WITHDRAWAL_REJECTED: the council rejected withdrawal ${notice.id}; the withdrawn notices stay withdrawn, resolve it with the council`);
  }
}

/**
 * What is due next for the stay: the council's answers, the hospital's discharge notice, the council's
 * assessment. Sorted by due time; `overdue` is judged at `now`.
 */
export function deadlines(state: AdwStayState, now: Date, settings: AdwTimingSettings = DEFAULT_ADW_TIMINGS): AdwDeadline[] {
  const found: Array<Omit<AdwDeadline, 'overdue'> & { at: number }> = [];
  const push = (what: AdwDeadline['what'], notice: AdwNoticeRecord, at: number, description: string): void => {
    found.push({ what, noticeId: notice.id, at, due: new Date(at).toISOString(), description });
  };
  for (const notice of state.notices.filter((n) => n.status === 'awaiting-response')) {
    push('council-response', notice, responseDue(notice, settings), `The council answers ${notice.kind} ${notice.id}`);
  }
  const assessment = liveNotice(state, 'assessment-notice');
  const discharge = instant(state.proposedDischarge);
  if (assessment && !liveNotice(state, 'discharge-notice') && discharge !== undefined) {
    push('discharge-notice', assessment, discharge - settings.dischargeLeadHours * HOUR, 'The hospital gives the discharge notice');
  }
  if (assessment?.status === 'accepted') {
    // Reg 8's "relevant day": the later of the end of the minimum assessment period and the proposed discharge.
    const minimum = instant(assessment.issued) + settings.minimumAssessmentHours * HOUR;
    push('assessment', assessment, Math.max(minimum, discharge ?? minimum), `The council completes the assessment for ${assessment.id}`);
  }
  return found
    .sort((a, b) => a.at - b.at)
    .map(({ at, ...deadline }) => ({ ...deadline, overdue: now.getTime() > at }));
}

function responseDue(notice: AdwNoticeRecord, settings: AdwTimingSettings): number {
  const given = instant(notice.issued);
  if (notice.kind === 'assessment-notice') return given + settings.assessmentResponseHours * HOUR;
  if (notice.kind === 'withdrawal') return given + settings.withdrawalResponseHours * HOUR;
  const byHours = given + settings.dischargeResponseHours * HOUR;
  const discharge = instant(notice.proposedDischarge);
  return discharge === undefined ? byHours : Math.min(byHours, discharge);
}

function record(msg: AdwMessage, now: Date): AdwNoticeRecord {
  return {
    id: msg.messageId,
    kind: msg.kind as AdwNoticeKind,
    eventCode: msg.event.code,
    issued: msg.issued,
    receivedAt: now.toISOString(),
    council: msg.council,
    status: 'awaiting-response',
    ...(msg.stay.proposedDischarge ? { proposedDischarge: msg.stay.proposedDischarge } : {}),
  };
}

/** In force: given and not withdrawn, and not turned down by the council. */
function isLive(notice: AdwNoticeRecord): boolean {
  if (notice.kind === 'assessment-notice') return notice.status === 'awaiting-response' || notice.status === 'accepted';
  if (notice.kind === 'discharge-notice') return notice.status === 'awaiting-response' || notice.status === 'agreed';
  return false;
}

function liveNotice(state: AdwStayState, kind: AdwNoticeKind): AdwNoticeRecord | undefined {
  return state.notices.find((n) => n.kind === kind && isLive(n));
}

function sameCouncil(a: AdwCouncil, b: AdwCouncil): boolean {
  return (a.ods !== undefined && a.ods === b.ods) || (a.gss !== undefined && a.gss === b.gss);
}

function late(code: string, what: string, msg: AdwMessage, leadMs: number, minimumHours: number): string {
  return `${code}: ${what} notice ${msg.messageId} was given ${hours(leadMs)} h before the proposed discharge; at least ${minimumHours} h is expected`;
}

function instant(value: string): number;
function instant(value: string | undefined): number | undefined;
function instant(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDateRange(value)?.low;
}

function hours(ms: number): number {
  return Math.round((ms / HOUR) * 10) / 10;
}

/** A content hash independent of key order, so only a genuinely identical redelivery is a no-op. */
function fingerprintOf(msg: AdwMessage): string {
  return createHash('sha256').update(stableJson(msg)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function conflict(code: string, message: string): FhirError {
  return new FhirError('conflict', code, message);
}
