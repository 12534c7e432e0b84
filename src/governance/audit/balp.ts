// Turns what the server says about one request (an AccessRecord) into the FHIR R4 AuditEvent
// IHE Basic Audit Log Patterns ask for: PatientRead, PatientQuery, Create/Update/Delete.
// See: https://profiles.ihe.net/ITI/BALP/ and docs/governance/audit.md (field by field).
import type { AuditEvent, AuditEventAgent, AuditEventEntity, CodeableConcept, Coding } from '@medplum/fhirtypes';
import { ODS_ORGANIZATION_SYSTEM, SHAREDCARE_CODE_SYSTEM_PREFIX } from '../../fhir/systems.ts';
import type { AccessRecord, AuditOutcome } from './access-record.ts';

export const DCM_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';
export const AUDIT_EVENT_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const RESTFUL_INTERACTION_SYSTEM = 'http://hl7.org/fhir/restful-interaction';
export const AUDIT_OUTCOME_SYSTEM = 'http://terminology.hl7.org/CodeSystem/audit-event-outcome';
export const PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const ROLE_CLASS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-RoleClass';
export const ACT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const SDS_JOB_ROLE_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-SDSJobRoleName';
export const AUDIT_ENTITY_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
export const OBJECT_ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/object-role';
export const BALP_ENTITY_TYPE_SYSTEM = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType';
export const NETWORK_TYPE_SYSTEM = 'http://hl7.org/fhir/network-type';
export const SOURCE_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/security-source-type';
/** sharedcare's operation names (without `$`) as the second subtype of an `operation` event. */
export const OPERATION_SYSTEM = `${SHAREDCARE_CODE_SYSTEM_PREFIX}operation`;
/** The entity carrying why the caller may see the record (basis) and the reason they gave. */
export const ACCESS_BASIS_ENTITY: Coding = { system: `${SHAREDCARE_CODE_SYSTEM_PREFIX}audit-entity-type`, code: 'access-basis', display: 'Access basis' };

export const OUTCOME_CODES: Record<AuditOutcome, '0' | '4' | '8'> = { success: '0', denied: '4', failed: '8' };

const SOURCE_ROLE: Coding = { system: DCM_SYSTEM, code: '110153', display: 'Source Role ID' };
const DESTINATION_ROLE: Coding = { system: DCM_SYSTEM, code: '110152', display: 'Destination Role ID' };
const READS = new Set(['read', 'vread', 'history', 'history-instance', 'history-type', 'history-system']);
const WRITES = new Set(['create', 'update', 'patch', 'delete']);

const concept = (coding: Coding): CodeableConcept => ({ coding: [coding] });

/**
 * BALP's DICOM direction: on a read the data flows server → client, so the client is the
 * Destination (110152); a query, an operation or a write flows client → server (client 110153).
 */
function clientIsSource(interaction: string): boolean {
  return !READS.has(interaction);
}

function networkOf(address: string | undefined, type: '2' | '5'): AuditEventAgent['network'] | undefined {
  return address ? { address, type } : undefined;
}

function clientAgent(record: AccessRecord, requestor: boolean): AuditEventAgent {
  const { principal } = record;
  const network = networkOf(record.network, '2');
  return {
    type: concept(clientIsSource(record.interaction) ? SOURCE_ROLE : DESTINATION_ROLE),
    who: { identifier: { value: principal.clientId ?? principal.subject } },
    requestor,
    ...(requestor && principal.tokenId ? { policy: [principal.tokenId] } : {}),
    ...(network ? { network } : {}),
  };
}

function serverAgent(record: AccessRecord): AuditEventAgent {
  return {
    type: concept(clientIsSource(record.interaction) ? DESTINATION_ROLE : SOURCE_ROLE),
    who: { identifier: { system: 'urn:ietf:rfc:3986', value: record.server }, display: 'sharedcare' },
    requestor: false,
    network: { address: record.server, type: '5' },
  };
}

/** The person: an information recipient on reads and queries, the author of a write. */
function userAgent(record: AccessRecord): AuditEventAgent {
  const { principal } = record;
  const participation = WRITES.has(record.interaction)
    ? { system: PARTICIPATION_TYPE_SYSTEM, code: 'AUT', display: 'author (originator)' }
    : { system: PARTICIPATION_TYPE_SYSTEM, code: 'IRCP', display: 'information recipient' };
  return {
    type: concept(participation),
    who: { identifier: { value: principal.subject }, ...(principal.name ? { display: principal.name } : {}) },
    ...(principal.name ? { name: principal.name } : {}),
    requestor: true,
    ...(principal.role ? { role: [concept({ system: SDS_JOB_ROLE_SYSTEM, code: principal.role })] } : {}),
    ...(principal.tokenId ? { policy: [principal.tokenId] } : {}),
    purposeOfUse: [concept({ system: ACT_REASON_SYSTEM, code: record.purposeOfUse })],
  };
}

function organizationAgent(organization: string): AuditEventAgent {
  return {
    type: concept({ system: ROLE_CLASS_SYSTEM, code: 'PROV', display: 'healthcare provider' }),
    who: { identifier: { system: ODS_ORGANIZATION_SYSTEM, value: organization } },
    requestor: false,
  };
}

function agents(record: AccessRecord): AuditEventAgent[] {
  // A system caller has no human: the client is then the one that asked.
  const human = (record.principal.kind ?? 'system') !== 'system';
  return [
    clientAgent(record, !human),
    serverAgent(record),
    ...(human ? [userAgent(record)] : []),
    ...(record.principal.organization ? [organizationAgent(record.principal.organization)] : []),
  ];
}

function entities(record: AccessRecord): AuditEventEntity[] {
  const out: AuditEventEntity[] = [
    {
      type: { system: BALP_ENTITY_TYPE_SYSTEM, code: 'XrequestId' },
      what: { identifier: { value: record.requestId } },
      detail: [{ type: 'http-status', valueString: String(record.status) }],
    },
  ];
  if (record.query !== undefined) {
    out.push({
      type: { system: AUDIT_ENTITY_TYPE_SYSTEM, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE_SYSTEM, code: '24', display: 'Query' },
      query: Buffer.from(record.query, 'utf8').toString('base64'),
    });
  }
  for (const reference of new Set(record.resources)) {
    out.push({
      type: { system: AUDIT_ENTITY_TYPE_SYSTEM, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE_SYSTEM, code: '4', display: 'Domain Resource' },
      what: { reference },
    });
  }
  for (const reference of new Set(record.patients)) {
    out.push({
      type: { system: AUDIT_ENTITY_TYPE_SYSTEM, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE_SYSTEM, code: '1', display: 'Patient' },
      what: { reference },
    });
  }
  if (record.basis || record.reason) {
    out.push({
      type: ACCESS_BASIS_ENTITY,
      detail: [
        ...(record.basis ? [{ type: 'basis', valueString: record.basis }] : []),
        ...(record.reason ? [{ type: 'reason', valueString: record.reason }] : []),
      ],
    });
  }
  return out;
}

/** The BALP AuditEvent for `record`, without an id (the audit log assigns the chain's seq). */
export function balpAuditEvent(record: AccessRecord): AuditEvent {
  const subtype: Coding[] = [{ system: RESTFUL_INTERACTION_SYSTEM, code: record.interaction }];
  if (record.interaction === 'operation' && record.operation) {
    subtype.push({ system: OPERATION_SYSTEM, code: record.operation, display: `$${record.operation}` });
  }
  return {
    resourceType: 'AuditEvent',
    type: { system: AUDIT_EVENT_TYPE_SYSTEM, code: 'rest', display: 'Restful Operation' },
    subtype,
    action: record.action,
    recorded: record.recorded.toISOString(),
    outcome: OUTCOME_CODES[record.outcome],
    ...(record.outcomeDescription ? { outcomeDesc: record.outcomeDescription } : {}),
    purposeOfEvent: [concept({ system: ACT_REASON_SYSTEM, code: record.purposeOfUse })],
    agent: agents(record),
    source: {
      site: record.server,
      observer: { identifier: { system: 'urn:ietf:rfc:3986', value: record.server }, display: 'sharedcare' },
      type: [{ system: SOURCE_TYPE_SYSTEM, code: '4', display: 'Application Server' }],
    },
    entity: entities(record),
  };
}
