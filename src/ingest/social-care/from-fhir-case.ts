// The case side of the inverse mapping: EpisodeOfCare (+ support reason, referral), Task, ServiceRequest
// (+ provider, Devices), CarePlan and Flag (+ review Task) back to episode, event, service, plan and flag records.
import type { CarePlan, Condition, Device, EpisodeOfCare, Flag, Organization, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import {
  ASSESSMENT_TYPE,
  CONTACT_REASON,
  EPISODE_TYPE,
  EVENT_TYPE,
  FLAG_CATEGORY,
  FLAG_TYPE,
  OUTCOME,
  PLAN_CATEGORY,
  PLAN_TYPE,
  REQUEST_STATUS,
  SAFEGUARDING_CATEGORY,
  SERVICE_SETTING,
  SERVICE_TYPE,
  SUPPORT_REASON,
  TASK_STATUS,
} from './code-tables.ts';
import { codeOf, defined, findTelecom, ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM, required, workerOf, WORKFLOW_EPISODE_OF_CARE, type SourceIds } from './fhir-parts.ts';
import type { EpisodeRecord, EventRecord, FlagRecord, PlanRecord, ServiceRecord } from './records.ts';
import { DELIVERED_PREFIX, REFERRAL_SOURCE_PREFIX, TASK_INPUT_LABELS } from './to-fhir-case.ts';

const stripPrefix = (text: string | undefined, prefix: string) => (text?.startsWith(prefix) ? text.slice(prefix.length) : undefined);

/** Finds a referenced resource among the record's own, or through the lookup. */
function own<T extends Resource>(resources: readonly Resource[], reference: Reference | undefined, ids: SourceIds, type: T['resourceType']): T | undefined {
  if (!reference) return undefined;
  const resolved = ids.resolve<T>(reference);
  if (resolved) return resolved;
  const [refType, refId] = reference.reference?.split('/') ?? [];
  return resources.find((r) => r.resourceType === type && refType === type && r.id === refId) as T | undefined;
}

export function episodeFromFhir(eoc: EpisodeOfCare, resources: readonly Resource[], ids: SourceIds): EpisodeRecord {
  const reason = own<Condition>(resources, eoc.diagnosis?.[0]?.condition, ids, 'Condition');
  const referral = own<ServiceRequest>(resources, eoc.referralRequest?.[0], ids, 'ServiceRequest');
  return defined<EpisodeRecord>({
    recordType: 'episode',
    caseNumber: required(ids.of(eoc, 'episode'), 'case number'),
    personId: required(ids.ofRef(eoc.patient, 'person'), 'person of the case'),
    episodeType: codeOf(eoc.type?.[0], EPISODE_TYPE).code!,
    status: eoc.status === 'finished' || eoc.status === 'cancelled' ? 'closed' : 'open',
    startDate: eoc.period?.start!,
    endDate: eoc.period?.end,
    laCode: ids.codeOfOrganisation(eoc.managingOrganization, ONS_GSS_CODE_SYSTEM),
    careManagerId: workerOf(eoc.careManager, ids),
    allocationId: ids.ofRef(eoc.team?.[0], 'allocation'),
    supportReason: codeOf(reason?.code, SUPPORT_REASON).code,
    supportReasonDate: reason?.onsetDateTime ?? reason?.recordedDate,
    supportReasonRecordedBy: workerOf(reason?.asserter, ids),
    referralDate: referral?.authoredOn,
    referralEndDate: referral?.occurrencePeriod?.end,
    referralSource: stripPrefix(referral?.note?.[0]?.text, REFERRAL_SOURCE_PREFIX),
    referralRequesterCode: ids.codeOfOrganisation(referral?.requester, ODS_ORGANIZATION_SYSTEM),
  });
}

function requesterOf(task: Task, ids: SourceIds): Pick<EventRecord, 'requesterType' | 'requesterId'> {
  const reference = task.requester;
  if (!reference) return {};
  const type = reference.type ?? ids.resolve(reference)?.resourceType ?? reference.reference?.split('/')[0];
  if (type === 'Patient') return { requesterType: 'person' };
  if (type === 'RelatedPerson') return defined({ requesterType: 'contact' as const, requesterId: ids.ofRef(reference, 'contact') });
  if (type === 'Organization') return defined({ requesterType: 'organisation' as const, requesterId: ids.codeOfOrganisation(reference, ODS_ORGANIZATION_SYSTEM) });
  return {};
}

function inputOf(task: Task, label: string) {
  return task.input?.find((i) => i.type?.text === label);
}

export function eventFromFhir(task: Task, ids: SourceIds): EventRecord {
  const episode = task.extension?.find((e) => e.url === WORKFLOW_EPISODE_OF_CARE)?.valueReference;
  const team = task.owner;
  return defined<EventRecord>({
    recordType: 'event',
    eventId: required(ids.of(task, 'event'), 'event id'),
    personId: required(ids.ofRef(task.for, 'person'), 'person of the event'),
    caseNumber: ids.ofRef(episode, 'episode'),
    eventType: codeOf(task.code, EVENT_TYPE).code!,
    status: TASK_STATUS.get(task.status)?.code!,
    authoredOn: task.authoredOn,
    startDate: task.executionPeriod?.start,
    endDate: task.executionPeriod?.end,
    dueDate: task.restriction?.period?.end,
    teamId: ids.ofRef(team, 'team'),
    teamName: team?.display,
    ...requesterOf(task, ids),
    requestReason: codeOf(task.reasonCode, CONTACT_REASON).code,
    safeguardingCategory: codeOf(task.reasonCode, SAFEGUARDING_CATEGORY).code,
    outcome: codeOf(task.businessStatus, OUTCOME).code,
    assessmentType: codeOf(inputOf(task, TASK_INPUT_LABELS.assessmentType)?.valueCodeableConcept, ASSESSMENT_TYPE).code,
    carerNote: inputOf(task, TASK_INPUT_LABELS.carerNote)?.valueString,
    sourceOfAlert: inputOf(task, TASK_INPUT_LABELS.sourceOfAlert)?.valueString,
    reasonForEnd: task.statusReason?.text,
    description: task.description,
  });
}

export function serviceFromFhir(sr: ServiceRequest, devices: readonly Device[], ids: SourceIds): ServiceRecord {
  const provider = ids.resolve<Organization>(sr.performer?.[0]);
  const type = codeOf(sr.code, SERVICE_TYPE);
  const delivered = devices.map((d) => stripPrefix(d.note?.[0]?.text, DELIVERED_PREFIX) ?? '');
  return defined<ServiceRecord>({
    recordType: 'service',
    serviceId: required(ids.of(sr, 'service'), 'service id'),
    personId: required(ids.ofRef(sr.subject, 'person'), 'person of the service'),
    caseNumber: ids.ofRef(sr.reasonReference?.[0], 'episode'),
    setting: sr.category?.map((c) => codeOf(c, SERVICE_SETTING).code).find((c) => c !== undefined),
    serviceType: type.code!,
    serviceName: type.text,
    status: REQUEST_STATUS.get(sr.status)?.code!,
    startDate: sr.occurrencePeriod?.start!,
    endDate: sr.occurrencePeriod?.end,
    authoredOn: sr.authoredOn,
    requesterId: workerOf(sr.requester, ids),
    providerId: ids.ofRef(sr.performer?.[0], 'provider'),
    providerName: sr.performer?.[0]?.display ?? provider?.name,
    providerPhone: findTelecom(provider?.telecom, 'phone', 'work'),
    equipmentTypes: devices.map((d) => d.type?.text ?? ''),
    equipmentDelivered: delivered.some((d) => d !== '') ? delivered : undefined,
  });
}

export function planFromFhir(plan: CarePlan, ids: SourceIds): PlanRecord {
  const categories = plan.category ?? [];
  return defined<PlanRecord>({
    recordType: 'plan',
    planId: required(ids.of(plan, 'plan'), 'plan id'),
    personId: required(ids.ofRef(plan.subject, 'person'), 'person of the plan'),
    caseNumber: ids.ofRef(plan.addresses?.[0], 'episode'),
    category: categories.map((c) => codeOf(c, PLAN_CATEGORY).code).find((c) => c !== undefined)!,
    planType: categories.map((c) => codeOf(c, PLAN_TYPE).code).find((c) => c !== undefined),
    title: plan.title,
    status: REQUEST_STATUS.get(plan.status)?.code!,
    startDate: plan.period?.start!,
    endDate: plan.period?.end,
    authorId: workerOf(plan.author, ids),
    serviceIds: (plan.activity ?? []).map((a) => ids.ofRef(a.reference, 'service')).filter((id): id is string => id !== undefined),
  });
}

export function flagFromFhir(flag: Flag, tasks: readonly Task[], ids: SourceIds): FlagRecord {
  const type = codeOf(flag.code, FLAG_TYPE);
  const review = tasks.find((t) => t.focus !== undefined);
  return defined<FlagRecord>({
    recordType: 'flag',
    flagId: required(ids.of(flag, 'flag'), 'flag id'),
    personId: required(ids.ofRef(flag.subject, 'person'), 'person of the flag'),
    flagType: type.code!,
    category: flag.category?.map((c) => codeOf(c, FLAG_CATEGORY).code).find((c) => c !== undefined),
    description: type.text,
    status: flag.status === 'inactive' ? 'inactive' : 'active',
    startDate: flag.period?.start!,
    endDate: flag.period?.end,
    reviewDate: review?.restriction?.period?.end,
    laCode: ids.codeOfOrganisation(flag.author, ONS_GSS_CODE_SYSTEM),
  });
}
