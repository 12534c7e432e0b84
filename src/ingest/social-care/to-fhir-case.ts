// The case side of the mapping: episode (EpisodeOfCare with its primary support reason Condition and
// children's referral), CLD events (Task), services (ServiceRequest, provider, equipment Devices),
// plans (CarePlan) and flags (Flag, with a review Task when the flag has a review date).
import type { CarePlan, Condition, Device, EpisodeOfCare, Flag, Resource, ServiceRequest, Task, TaskInput } from '@medplum/fhirtypes';
import type { MappedRecord } from '../source-writer.ts';
import {
  ASSESSMENT_TYPE,
  CLINICAL_STATUS,
  CONTACT_REASON,
  EPISODE_TYPE,
  EVENT_TYPE,
  FLAG_CATEGORY,
  FLAG_TYPE,
  OUTCOME,
  PLAN_CATEGORY,
  PLAN_TYPE,
  RECORD_CATEGORY,
  SAFEGUARDING_CATEGORY,
  SERVICE_SETTING,
  SERVICE_TYPE,
  SUPPORT_REASON,
} from './code-tables.ts';
import {
  type AnyReference,
  concept,
  ODS_ORGANIZATION_SYSTEM,
  ONS_GSS_CODE_SYSTEM,
  optional,
  organisationByCode,
  roleReference,
  SourceLinks,
  stamp,
  telecom,
  WORKFLOW_EPISODE_OF_CARE,
} from './fhir-parts.ts';
import type { EpisodeRecord, EventRecord, FlagRecord, PlanRecord, ServiceRecord } from './records.ts';

export const REFERRAL_TEXT = "Referral to children's social care";
export const REFERRAL_SOURCE_PREFIX = 'Referral source: ';
export const DELIVERED_PREFIX = 'Delivered ';
export const TASK_INPUT_LABELS = { assessmentType: 'Assessment type', carerNote: 'Carer', sourceOfAlert: 'Source of alert' } as const;

/** The case's primary support reason Condition, which services and plans give as their reason. */
export function supportReasonReference(links: SourceLinks, caseNumber: string): AnyReference {
  return links.ref('episode', caseNumber, 'Condition');
}

export function episodeToFhir(r: EpisodeRecord, links: SourceLinks): Resource[] {
  const subject = links.ref('person', r.personId, 'Patient');
  const reason = r.supportReason !== undefined ? supportReasonCondition(r, links, subject) : undefined;
  const referral = hasReferral(r) ? referralRequest(r, links, subject) : undefined;
  const episode = stamp(links, 'episode', r.caseNumber, {
    resourceType: 'EpisodeOfCare',
    status: r.status === 'closed' ? 'finished' : 'active',
    type: [concept(EPISODE_TYPE.must(r.episodeType))],
    ...(reason ? { diagnosis: [{ condition: supportReasonReference(links, r.caseNumber), rank: 1 }] } : {}),
    patient: subject,
    ...(r.laCode ? { managingOrganization: organisationByCode(ONS_GSS_CODE_SYSTEM, r.laCode) } : {}),
    period: { start: r.startDate, ...optional('end', r.endDate) },
    ...(referral ? { referralRequest: [links.ref('episode', r.caseNumber, 'ServiceRequest')] } : {}),
    ...(r.careManagerId ? { careManager: links.ref('worker', r.careManagerId, 'Practitioner') } : {}),
    ...(r.allocationId ? { team: [links.ref('allocation', r.allocationId, 'CareTeam')] } : {}),
  } satisfies EpisodeOfCare);
  return [episode, ...(reason ? [reason] : []), ...(referral ? [referral] : [])];
}

function supportReasonCondition(r: EpisodeRecord, links: SourceLinks, subject: AnyReference): Condition {
  const clinical = CLINICAL_STATUS.must(r.status === 'closed' ? 'inactive' : 'active');
  return stamp(links, 'episode', r.caseNumber, {
    resourceType: 'Condition',
    clinicalStatus: { coding: [{ system: clinical.system, code: clinical.code }] },
    category: [concept(RECORD_CATEGORY.must('primary-support-reason'))],
    code: concept(SUPPORT_REASON.must(r.supportReason!)),
    subject,
    ...optional('onsetDateTime', r.supportReasonDate),
    ...optional('recordedDate', r.supportReasonDate),
    ...(r.supportReasonRecordedBy ? { asserter: roleReference(links, r.supportReasonRecordedBy) } : {}),
  } satisfies Condition);
}

function hasReferral(r: EpisodeRecord): boolean {
  return r.referralDate !== undefined || r.referralEndDate !== undefined || r.referralSource !== undefined || r.referralRequesterCode !== undefined;
}

function referralRequest(r: EpisodeRecord, links: SourceLinks, subject: AnyReference): ServiceRequest {
  const start = r.referralDate?.slice(0, 10);
  return stamp(links, 'episode', r.caseNumber, {
    resourceType: 'ServiceRequest',
    status: r.referralEndDate !== undefined ? 'completed' : 'active',
    intent: 'order',
    category: [concept(RECORD_CATEGORY.must('referral'))],
    code: { text: REFERRAL_TEXT },
    subject,
    ...(start || r.referralEndDate ? { occurrencePeriod: { ...optional('start', start), ...optional('end', r.referralEndDate) } } : {}),
    ...optional('authoredOn', r.referralDate),
    ...(r.referralRequesterCode ? { requester: organisationByCode(ODS_ORGANIZATION_SYSTEM, r.referralRequesterCode) } : {}),
    ...(r.referralSource ? { note: [{ text: `${REFERRAL_SOURCE_PREFIX}${r.referralSource}` }] } : {}),
  } satisfies ServiceRequest);
}

function requester(r: EventRecord, links: SourceLinks): AnyReference | undefined {
  if (r.requesterType === 'person') return links.ref('person', r.personId, 'Patient');
  if (!r.requesterId) return undefined;
  if (r.requesterType === 'contact') return links.ref('contact', r.requesterId, 'RelatedPerson');
  if (r.requesterType === 'organisation') return organisationByCode(ODS_ORGANIZATION_SYSTEM, r.requesterId);
  return undefined;
}

function taskInputs(r: EventRecord): TaskInput[] {
  const assessment = ASSESSMENT_TYPE.get(r.assessmentType);
  return [
    ...(assessment ? [{ type: { text: TASK_INPUT_LABELS.assessmentType }, valueCodeableConcept: concept(assessment) }] : []),
    ...(r.carerNote ? [{ type: { text: TASK_INPUT_LABELS.carerNote }, valueString: r.carerNote }] : []),
    ...(r.sourceOfAlert ? [{ type: { text: TASK_INPUT_LABELS.sourceOfAlert }, valueString: r.sourceOfAlert }] : []),
  ];
}

export function eventToFhir(r: EventRecord, links: SourceLinks): Task {
  const reasons = [CONTACT_REASON.get(r.requestReason), SAFEGUARDING_CATEGORY.get(r.safeguardingCategory)].filter((c) => c !== undefined);
  const outcome = OUTCOME.get(r.outcome);
  const by = requester(r, links);
  const period = r.startDate !== undefined || r.endDate !== undefined ? { ...optional('start', r.startDate), ...optional('end', r.endDate) } : undefined;
  return stamp(links, 'event', r.eventId, {
    resourceType: 'Task',
    status: r.status as Task['status'],
    ...(r.reasonForEnd ? { statusReason: { text: r.reasonForEnd } } : {}),
    ...(outcome ? { businessStatus: concept(outcome) } : {}),
    intent: 'order',
    code: concept(EVENT_TYPE.must(r.eventType)),
    ...optional('description', r.description),
    for: links.ref('person', r.personId, 'Patient'),
    ...(r.caseNumber ? { extension: [{ url: WORKFLOW_EPISODE_OF_CARE, valueReference: links.ref('episode', r.caseNumber, 'EpisodeOfCare') }] } : {}),
    ...optional('executionPeriod', period),
    ...optional('authoredOn', r.authoredOn),
    ...optional('requester', by),
    ...(r.teamId ? { owner: links.ref('team', r.teamId, 'Organization', r.teamName) } : r.teamName ? { owner: { display: r.teamName } } : {}),
    ...(reasons.length > 0 ? { reasonCode: { coding: reasons.map((c) => ({ system: c.system, code: c.code, display: c.display })), text: reasons[0]!.display } } : {}),
    ...(r.dueDate ? { restriction: { period: { end: r.dueDate } } } : {}),
    ...optional('input', taskInputs(r)),
  } satisfies Task);
}

export function serviceToFhir(r: ServiceRecord, links: SourceLinks): MappedRecord[] {
  const setting = SERVICE_SETTING.get(r.setting);
  // A provider named without an id is kept as its name alone.
  const provider = r.providerId ? links.ref('provider', r.providerId, 'Organization', r.providerName) : r.providerName ? { display: r.providerName } : undefined;
  const subject = links.ref('person', r.personId, 'Patient');
  const request = stamp(links, 'service', r.serviceId, {
    resourceType: 'ServiceRequest',
    status: r.status as ServiceRequest['status'],
    intent: 'order',
    ...(setting ? { category: [concept(setting)] } : {}),
    code: concept(SERVICE_TYPE.must(r.serviceType), r.serviceName),
    subject,
    occurrencePeriod: { start: r.startDate, ...optional('end', r.endDate) },
    ...optional('authoredOn', r.authoredOn),
    ...(r.requesterId ? { requester: roleReference(links, r.requesterId) } : {}),
    ...(provider ? { performer: [provider] } : {}),
    ...(r.caseNumber ? { reasonReference: [supportReasonReference(links, r.caseNumber)] } : {}),
  } satisfies ServiceRequest);
  // Each item of equipment is a Device the person has; it is part of the service's record.
  const devices = (r.equipmentTypes ?? []).map((type, i) => stamp(links, 'service', `${r.serviceId}/equipment/${i + 1}`, {
    resourceType: 'Device', status: 'active', type: { text: type }, patient: subject,
    ...optional('owner', provider),
    ...(r.equipmentDelivered?.[i] ? { note: [{ text: `${DELIVERED_PREFIX}${r.equipmentDelivered[i]}` }] } : {}),
  } satisfies Device));
  const records: MappedRecord[] = [{ recordType: 'service', localId: r.serviceId, resources: [request, ...devices] }];
  if (r.providerId) {
    records.push({ recordType: 'provider', localId: r.providerId, resources: [stamp(links, 'provider', r.providerId, {
      resourceType: 'Organization', active: true,
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' }] }],
      ...optional('name', r.providerName),
      ...optional('telecom', telecom('phone', r.providerPhone, 'work')),
    })] });
  }
  return records;
}

export function planToFhir(r: PlanRecord, links: SourceLinks): CarePlan {
  const planType = PLAN_TYPE.get(r.planType);
  return stamp(links, 'plan', r.planId, {
    resourceType: 'CarePlan',
    status: r.status as CarePlan['status'],
    intent: 'plan',
    category: [concept(PLAN_CATEGORY.must(r.category)), ...(planType ? [concept(planType)] : [])],
    ...optional('title', r.title),
    subject: links.ref('person', r.personId, 'Patient'),
    period: { start: r.startDate, ...optional('end', r.endDate) },
    ...(r.authorId ? { author: roleReference(links, r.authorId) } : {}),
    ...(r.caseNumber ? { addresses: [supportReasonReference(links, r.caseNumber)] } : {}),
    ...optional('activity', (r.serviceIds ?? []).map((id) => ({ reference: links.ref('service', id, 'ServiceRequest') }))),
  } satisfies CarePlan);
}

export function flagToFhir(r: FlagRecord, links: SourceLinks): Resource[] {
  const category = FLAG_CATEGORY.get(r.category);
  const flagType = FLAG_TYPE.must(r.flagType);
  const flag = stamp(links, 'flag', r.flagId, {
    resourceType: 'Flag',
    status: r.status,
    ...(category ? { category: [concept(category)] } : {}),
    code: concept(flagType, r.description),
    subject: links.ref('person', r.personId, 'Patient'),
    period: { start: r.startDate, ...optional('end', r.endDate) },
    ...(r.laCode ? { author: organisationByCode(ONS_GSS_CODE_SYSTEM, r.laCode) } : {}),
  } satisfies Flag);
  if (!r.reviewDate) return [flag];
  // A flag's review date (child in need, CPP, looked after) is a planned review of it.
  const review = stamp(links, 'flag', r.flagId, {
    resourceType: 'Task', status: 'requested', intent: 'order', code: concept(EVENT_TYPE.must('review')),
    description: `Review: ${r.description ?? flagType.display}`, focus: links.ref('flag', r.flagId, 'Flag'),
    for: links.ref('person', r.personId, 'Patient'), restriction: { period: { end: r.reviewDate } },
  } satisfies Task);
  return [flag, review];
}
