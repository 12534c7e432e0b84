import type { AuditEvent, AuditEventAgent, AuditEventEntity } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { accessRecord, principal } from '../../../test/support/audit-records.ts';
import { balpAuditEvent, DCM_SYSTEM, PARTICIPATION_TYPE_SYSTEM, ROLE_CLASS_SYSTEM } from './balp.ts';

const agentOf = (event: AuditEvent, code: string): AuditEventAgent[] => (event.agent ?? []).filter((a) => a.type?.coding?.[0]?.code === code);
const entitiesWithRole = (event: AuditEvent, role: string): AuditEventEntity[] => (event.entity ?? []).filter((e) => e.role?.code === role);
const clientOf = (event: AuditEvent) => event.agent!.find((a) => a.who?.identifier?.value === 'viewer')!;
const serverOf = (event: AuditEvent) => event.agent!.find((a) => a.network?.type === '5')!;

describe('BALP AuditEvent', () => {
  it('a read follows PatientRead: subtype read, action R, client is the destination 110152', () => {
    const event = balpAuditEvent(accessRecord());
    expect(event.type).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' });
    expect(event.subtype).toEqual([{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }]);
    expect(event.action).toBe('R');
    expect(event.outcome).toBe('0');
    expect(event.recorded).toBe('2026-03-02T10:00:00.000Z');
    expect(clientOf(event).type?.coding?.[0]).toMatchObject({ system: DCM_SYSTEM, code: '110152' });
    expect(clientOf(event).network).toEqual({ address: '10.0.0.7', type: '2' });
    expect(serverOf(event).type?.coding?.[0]).toMatchObject({ system: DCM_SYSTEM, code: '110153' });
    expect(serverOf(event).network?.address).toBe('http://sharedcare.test/fhir');
    expect(entitiesWithRole(event, '4').map((e) => e.what?.reference)).toEqual(['Patient/p1']);
    expect(event.source?.observer?.identifier?.value).toBe('http://sharedcare.test/fhir');
  });

  it('a search follows PatientQuery: codes reversed, raw query base64, one patient entity per distinct patient', () => {
    const raw = "Observation?patient=p1,p2&code=' OR 1=1--";
    const event = balpAuditEvent(accessRecord({
      interaction: 'search-type', action: 'E', query: raw, resourceType: 'Observation',
      resources: ['Observation/o1', 'Observation/o2', 'Observation/o1'], patients: ['Patient/p1', 'Patient/p2', 'Patient/p1'],
    }));
    expect(event.subtype?.[0]?.code).toBe('search-type');
    expect(event.action).toBe('E');
    expect(clientOf(event).type?.coding?.[0]?.code).toBe('110153');
    expect(serverOf(event).type?.coding?.[0]?.code).toBe('110152');
    const [query] = entitiesWithRole(event, '24');
    expect(query?.type).toMatchObject({ code: '2' });
    expect(Buffer.from(query!.query!, 'base64').toString('utf8')).toBe(raw);
    const patients = entitiesWithRole(event, '1');
    expect(patients.map((e) => e.what?.reference)).toEqual(['Patient/p1', 'Patient/p2']);
    expect(patients.every((e) => e.type?.code === '1')).toBe(true);
    expect(entitiesWithRole(event, '4').map((e) => e.what?.reference)).toEqual(['Observation/o1', 'Observation/o2']);
  });

  it('the user is the information recipient with CIS2 role, name, purpose and token id; the organisation is agent[userorg]', () => {
    const event = balpAuditEvent(accessRecord({ purposeOfUse: 'BTG' }));
    const [user] = agentOf(event, 'IRCP');
    expect(user?.type?.coding?.[0]?.system).toBe(PARTICIPATION_TYPE_SYSTEM);
    expect(user).toMatchObject({
      requestor: true,
      who: { identifier: { value: 'sw-0001' }, display: 'Sam Worker' },
      name: 'Sam Worker',
      role: [{ coding: [{ system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-SDSJobRoleName', code: 'R8014' }] }],
      purposeOfUse: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG' }] }],
      policy: ['jti-1'],
    });
    expect(clientOf(event).requestor).toBe(false);
    const [org] = agentOf(event, 'PROV');
    expect(org).toMatchObject({ type: { coding: [{ system: ROLE_CLASS_SYSTEM }] }, who: { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'E10000024' } }, requestor: false });
    expect(event.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('BTG');
  });

  it('a system caller has no user agent: its client is the requestor and carries the token id', () => {
    const event = balpAuditEvent(accessRecord({ principal: principal({ kind: 'system', subject: 'council-etl', clientId: 'council-etl', name: undefined, role: undefined }) }));
    expect(agentOf(event, 'IRCP')).toEqual([]);
    const client = event.agent!.find((a) => a.who?.identifier?.value === 'council-etl')!;
    expect(client.requestor).toBe(true);
    expect(client.policy).toEqual(['jti-1']);
  });

  it('the X-Request-Id is entity[transaction], with the HTTP status', () => {
    const event = balpAuditEvent(accessRecord({ requestId: 'abc-123', status: 404, outcome: 'denied', outcomeDescription: 'STORE_NOT_FOUND' }));
    const tx = event.entity!.find((e) => e.type?.code === 'XrequestId')!;
    expect(tx.type?.system).toBe('https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType');
    expect(tx.what?.identifier?.value).toBe('abc-123');
    expect(tx.detail).toEqual([{ type: 'http-status', valueString: '404' }]);
    expect(event.outcome).toBe('4');
    expect(event.outcomeDesc).toBe('STORE_NOT_FOUND');
    expect(balpAuditEvent(accessRecord({ outcome: 'failed' })).outcome).toBe('8');
  });

  it('an operation has subtype operation plus its name; basis and reason are an access-basis entity', () => {
    const event = balpAuditEvent(accessRecord({ interaction: 'operation', operation: 'everything', action: 'E', basis: 'break-glass', reason: 'Unconscious in A&E' }));
    expect(event.subtype?.map((c) => c.code)).toEqual(['operation', 'everything']);
    const basis = event.entity!.find((e) => e.type?.code === 'access-basis')!;
    expect(basis.detail).toEqual([{ type: 'basis', valueString: 'break-glass' }, { type: 'reason', valueString: 'Unconscious in A&E' }]);
  });

  it('a write names the user as author and the client as the source', () => {
    const event = balpAuditEvent(accessRecord({ interaction: 'create', action: 'C', status: 201 }));
    expect(agentOf(event, 'AUT')).toHaveLength(1);
    expect(agentOf(event, 'IRCP')).toHaveLength(0);
    expect(clientOf(event).type?.coding?.[0]?.code).toBe('110153');
  });
});
