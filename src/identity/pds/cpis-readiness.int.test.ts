// The CP-IS readiness figure on a test database: who is in scope (under 18, plan current or ended
// within 12 months, not entered in error, started), and who counts as verified.
import type { Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testRepository, type TestDatabase } from '../../../test/support/test-database.ts';
import {
  CHILD_PROTECTION_PLAN_CODES,
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND,
  SNOMED_SYSTEM,
} from '../../fhir/systems.ts';
import type { SqlRepository } from '../../store/sql-repository.ts';
import { cpisReadiness } from './cpis-readiness.ts';

const AS_OF = '2025-06-30';
const CPP = CHILD_PROTECTION_PLAN_CODES.childProtectionPlan;
const LAC = CHILD_PROTECTION_PLAN_CODES.lookedAfterChild;
const snomed = (code: string) => ({ coding: [{ system: SNOMED_SYSTEM, code }] });

let db: TestDatabase;
let repo: SqlRepository;
const ids: Record<string, string> = {};

async function create(resource: Resource): Promise<string> {
  return (await repo.create(resource)).resource.id!;
}

async function child(key: string, birthDate: string, verifiedOnResource = false): Promise<string> {
  const patient: Patient = {
    resourceType: 'Patient', birthDate, name: [{ family: key }],
    ...(verifiedOnResource ? { identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9990000018', extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION,
      valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: '01' }] } }] }] } : {}),
  };
  ids[key] = await create(patient);
  return ids[key]!;
}

async function flag(patientId: string, code: string, status: 'active' | 'inactive' | 'entered-in-error', period: { start?: string; end?: string } = {}): Promise<void> {
  await create({ resourceType: 'Flag', status, code: snomed(code), subject: { reference: `Patient/${patientId}` }, period: { start: '2024-01-01', ...period } });
}

async function identityRecord(patientId: string, nhsVerified: boolean): Promise<void> {
  await db.driver.query('INSERT INTO identity_record (patient_id, features) VALUES ($1, $2::jsonb)', [patientId, JSON.stringify({ id: patientId, nhsVerified })]);
}

async function trace(patientId: string, outcome: string): Promise<void> {
  await db.driver.query(`INSERT INTO identity_trace (patient_id, outcome) VALUES ($1, $2)
    ON CONFLICT (patient_id) DO UPDATE SET outcome = EXCLUDED.outcome`, [patientId, outcome]);
}

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
});
afterAll(() => db.drop());

describe('cpisReadiness', () => {
  it('has no figure before any child is in scope', async () => {
    expect(await cpisReadiness(db.driver, { asOf: AS_OF })).toEqual({ asOf: AS_OF, inScope: 0, verified: 0, share: null, meetsTarget: false, unverified: [] });
  });

  it('counts children on a current or recent plan, and those with a verified number', async () => {
    await flag(await child('verified-by-matching', '2015-01-01'), CPP, 'active');
    await identityRecord(ids['verified-by-matching']!, true);
    const lac = await child('traced-lac-careplan', '2012-01-01');
    await create({ resourceType: 'CarePlan', status: 'active', intent: 'plan', category: [snomed(LAC)], subject: { reference: `Patient/${lac}` }, period: { start: '2023-05-01' } });
    await identityRecord(lac, false);
    await trace(lac, 'traced');
    await flag(await child('ended-recently', '2014-01-01'), CPP, 'inactive', { end: '2024-12-01' });
    await identityRecord(ids['ended-recently']!, false);
    await flag(await child('verified-on-resource', '2011-01-01', true), CPP, 'active');
    await flag(await child('verified-but-conflicting', '2010-01-01'), CPP, 'active');
    await identityRecord(ids['verified-but-conflicting']!, true);
    await trace(ids['verified-but-conflicting']!, 'conflict');
    // Out of scope: ended over a year ago, adult, entered in error, not a CP-IS plan, not started, ended without a date.
    await flag(await child('ended-long-ago', '2013-01-01'), CPP, 'inactive', { end: '2023-01-01' });
    await flag(await child('adult', '2000-01-01'), LAC, 'active');
    await flag(await child('eighteen-today', '2007-06-30'), LAC, 'active');
    await flag(await child('error', '2016-01-01'), CPP, 'entered-in-error');
    await flag(await child('child-in-need', '2017-01-01'), '000000', 'active');
    await flag(await child('future', '2018-01-01'), CPP, 'active', { start: '2025-09-01' });
    await flag(await child('inactive-undated', '2019-01-01'), CPP, 'inactive');

    const readiness = await cpisReadiness(db.driver, { asOf: AS_OF });
    expect(readiness).toMatchObject({ inScope: 5, verified: 3, share: 0.6, meetsTarget: false });
    expect(readiness.unverified).toEqual([ids['ended-recently'], ids['verified-but-conflicting']].sort());
  });

  it('meets the 95% target once every child in scope is verified, and a trace restricted counts', async () => {
    await trace(ids['ended-recently']!, 'restricted');
    await trace(ids['verified-but-conflicting']!, 'traced');
    expect(await cpisReadiness(db.driver, { asOf: AS_OF })).toMatchObject({ inScope: 5, verified: 5, share: 1, meetsTarget: true, unverified: [] });
    // A year on, the ended plan has dropped out of scope and the future one has started.
    expect(await cpisReadiness(db.driver, { asOf: '2026-06-30' })).toMatchObject({ inScope: 5, verified: 4, unverified: [ids.future] });
  });

  it('refuses a malformed date', async () => {
    await expect(cpisReadiness(db.driver, { asOf: '30/06/2025' })).rejects.toThrow(RangeError);
  });
});
