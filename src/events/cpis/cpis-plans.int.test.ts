// Which CP-IS plans a child has, read from council Flags in a real database (PGlite, or PostgreSQL
// with TEST_DATABASE_URL): the 12-month rule for looked-after children, ended plans, the unborn-child
// plan, linked records, and the responsible council resolved by literal or GSS reference.
import type { Flag, Organization, Patient, Reference } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testRepository, type TestDatabase } from '../../../test/support/test-database.ts';
import { CHILD_PROTECTION_PLAN_CODES as PLAN, ONS_GSS_CODE_SYSTEM, SHAREDCARE_CODE_SYSTEM_PREFIX, SNOMED_SYSTEM } from '../../fhir/systems.ts';
import type { Repository } from '../../store/repository.ts';
import { cpisPlansFor, type CpisPlan } from './cpis-plans.ts';

const NOW = new Date('2026-03-01T09:30:00Z');
const HACKNEY = 'Organization/la-E09000012';
const NOTTS_GSS = { system: ONS_GSS_CODE_SYSTEM, value: 'E10000024' };

let db: TestDatabase;
let repo: Repository;

const organizations: Organization[] = [
  {
    resourceType: 'Organization', id: 'la-E09000012', identifier: [{ system: ONS_GSS_CODE_SYSTEM, value: 'E09000012' }],
    name: 'London Borough of Hackney',
    // Out of order by rank, with an ended number, so the choice is by rank and period, not position.
    telecom: [
      { system: 'phone', value: '020 0000 0001', use: 'work', period: { end: '2024-01-01' } },
      { system: 'phone', value: '020 8356 2000', use: 'work', rank: 2 },
      { system: 'phone', value: '020 8356 3000', use: 'work', rank: 1 },
      { system: 'email', value: 'cpis@hackney.example', use: 'work' },
      { system: 'phone', value: '020 8356 2710', use: 'mobile' },
    ],
  },
  {
    resourceType: 'Organization', id: 'la-E10000024', identifier: [NOTTS_GSS], name: 'Nottinghamshire County Council',
    telecom: [{ system: 'phone', value: '0300 500 8080', use: 'work' }],
  },
  {
    resourceType: 'Organization', id: 'la-E08000019', identifier: [{ system: ONS_GSS_CODE_SYSTEM, value: 'E08000019' }],
    name: 'Sheffield City Council', telecom: [{ system: 'phone', value: '0114 273 4855', use: 'work' }],
    contact: [{ purpose: { text: 'Emergency Duty Team' }, telecom: [{ system: 'phone', value: '0114 273 4855 9' }] }],
  },
];

const patient = (id: string): Patient => ({ resourceType: 'Patient', id, name: [{ family: 'Test', given: [id] }] });

function flag(id: string, patientId: string, code: string, spec: { status?: Flag['status']; start?: string; end?: string; author?: Reference<Organization> }): Flag {
  return {
    resourceType: 'Flag', id, status: spec.status ?? (spec.end ? 'inactive' : 'active'),
    code: { coding: [{ system: SNOMED_SYSTEM, code, display: 'as the council sent it' }] },
    subject: { reference: `Patient/${patientId}` },
    period: { start: spec.start ?? '2024-05-01', ...(spec.end ? { end: spec.end } : {}) },
    author: spec.author ?? { reference: HACKNEY },
  };
}

const flags: Flag[] = [
  flag('cpp-current', 'child-la', PLAN.childProtectionPlan, { start: '2025-06-01' }),
  flag('lac-ended-6m', 'child-gp', PLAN.lookedAfterChild, { start: '2023-01-10', end: '2025-09-01' }),
  flag('lac-ended-12m', 'child-la', PLAN.lookedAfterChild, { start: '2022-01-10', end: '2025-03-01' }),
  flag('lac-ended-13m', 'child-la', PLAN.lookedAfterChild, { start: '2021-01-10', end: '2025-02-01' }),
  flag('lac-day-over', 'child-gp', PLAN.lookedAfterChild, { start: '2021-01-10', end: '2025-02-28' }),
  flag('cpp-ended', 'child-la', PLAN.childProtectionPlan, { start: '2024-01-01', end: '2025-12-01' }),
  // The council's status lags its end date: the date decides.
  flag('cpp-status-lags', 'child-gp', PLAN.childProtectionPlan, { status: 'active', start: '2024-01-01', end: '2026-02-01' }),
  flag('cpp-error', 'child-la', PLAN.childProtectionPlan, { status: 'entered-in-error', start: '2025-01-01' }),
  flag('unborn-current', 'child-gp', PLAN.unbornChildProtectionPlan, { start: '2026-01-10', author: { type: 'Organization', identifier: NOTTS_GSS } }),
  flag('cpp-other-child', 'other-child', PLAN.childProtectionPlan, { start: '2025-01-01' }),
  {
    ...flag('child-in-need', 'child-la', '999', { start: '2025-01-01' }),
    code: { coding: [{ system: `${SHAREDCARE_CODE_SYSTEM_PREFIX}childrens-social-care-flag`, code: 'child-in-need' }] },
  },
];

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  await repo.createMany([...organizations, patient('child-la'), patient('child-gp'), patient('other-child'), patient('alone'), ...flags]);
});
afterAll(() => db.drop());

const byFlag = (plans: readonly CpisPlan[]) => new Map(plans.map((p) => [p.flagRef, p]));

describe('cpisPlansFor', () => {
  it('finds current plans and looked-after episodes ended within 12 months, across linked records', async () => {
    const plans = await cpisPlansFor(repo, ['child-la', 'child-gp'], NOW);
    expect(plans.map((p) => p.flagRef)).toEqual([
      // Current plans first, most recently started first; then ended LAC the same way.
      'Flag/unborn-current', 'Flag/cpp-current', 'Flag/lac-ended-6m', 'Flag/lac-ended-12m',
    ]);
    const found = byFlag(plans);
    expect(found.get('Flag/cpp-current')).toMatchObject({
      planType: { code: PLAN.childProtectionPlan, display: 'Subject to child protection plan' }, start: '2025-06-01', active: true,
    });
    expect(found.get('Flag/cpp-current')!.end).toBeUndefined();
    expect(found.get('Flag/lac-ended-6m')).toMatchObject({
      planType: { code: PLAN.lookedAfterChild, display: 'Looked after child' }, start: '2023-01-10', end: '2025-09-01', active: false,
    });
    expect(found.get('Flag/unborn-current')).toMatchObject({
      planType: { code: PLAN.unbornChildProtectionPlan, display: 'Unborn child subject to child protection plan' }, active: true,
    });
  });

  it('leaves out LAC ended over 12 months ago, ended or mistaken protection plans, other codes and other children', async () => {
    const refs = (await cpisPlansFor(repo, ['child-la', 'child-gp'], NOW)).map((p) => p.flagRef);
    for (const left of ['lac-ended-13m', 'lac-day-over', 'cpp-ended', 'cpp-status-lags', 'cpp-error', 'child-in-need', 'cpp-other-child']) {
      expect(refs).not.toContain(`Flag/${left}`);
    }
  });

  it('reads only the records it is given', async () => {
    expect((await cpisPlansFor(repo, ['child-gp'], NOW)).map((p) => p.flagRef)).toEqual(['Flag/unborn-current', 'Flag/lac-ended-6m']);
    expect(await cpisPlansFor(repo, ['alone'], NOW)).toEqual([]);
    expect(await cpisPlansFor(repo, [], NOW)).toEqual([]);
  });

  it('moves with the clock: a year later the LAC episode ended in September has dropped out', async () => {
    const later = await cpisPlansFor(repo, ['child-gp'], new Date('2026-09-02T00:00:00Z'));
    expect(later.map((p) => p.flagRef)).toEqual(['Flag/unborn-current']);
  });

  it('resolves the council: name, GSS, office hours by rank, emergency duty from a mobile number', async () => {
    const plan = byFlag(await cpisPlansFor(repo, ['child-la'], NOW)).get('Flag/cpp-current')!;
    expect(plan.council).toEqual({
      reference: HACKNEY, gss: 'E09000012', name: 'London Borough of Hackney',
      officeHoursPhone: '020 8356 3000', emergencyDutyPhone: '020 8356 2710',
    });
  });

  it('resolves a council named only by its GSS code, leaving an unknown emergency number undefined', async () => {
    const plan = byFlag(await cpisPlansFor(repo, ['child-gp'], NOW)).get('Flag/unborn-current')!;
    expect(plan.council).toEqual({
      reference: 'Organization/la-E10000024', gss: 'E10000024', name: 'Nottinghamshire County Council', officeHoursPhone: '0300 500 8080',
    });
  });

  it('finds the emergency duty number in an Organization.contact that says so', async () => {
    await repo.createMany([flag('cpp-sheffield', 'sheffield-child', PLAN.childProtectionPlan, { author: { reference: 'Organization/la-E08000019' } })]);
    const [plan] = await cpisPlansFor(repo, ['sheffield-child'], NOW);
    expect(plan!.council).toMatchObject({ name: 'Sheffield City Council', officeHoursPhone: '0114 273 4855', emergencyDutyPhone: '0114 273 4855 9' });
  });

  it('keeps the plan when the council is unknown, with what the reference says', async () => {
    await repo.createMany([
      flag('cpp-unknown-la', 'orphan-child', PLAN.childProtectionPlan, { author: { reference: 'Organization/la-gone', display: 'Former Council' } }),
      flag('cpp-unknown-gss', 'orphan-child', PLAN.childProtectionPlan, { start: '2023-01-01', author: { identifier: { system: ONS_GSS_CODE_SYSTEM, value: 'E99999999' } } }),
    ]);
    const plans = byFlag(await cpisPlansFor(repo, ['orphan-child'], NOW));
    expect(plans.get('Flag/cpp-unknown-la')!.council).toEqual({ reference: 'Organization/la-gone', name: 'Former Council' });
    expect(plans.get('Flag/cpp-unknown-gss')!.council).toEqual({ gss: 'E99999999' });
  });

  it('applies the caller\'s access filter to the Flags and the councils', async () => {
    expect(await cpisPlansFor(repo, ['child-la'], NOW, { filter: { rules: [{ types: ['Patient'] }] } })).toEqual([]);
    // Flags visible, the directory not: the plan shows with the council the reference names.
    const [plan] = await cpisPlansFor(repo, ['child-la'], NOW, { filter: { rules: [{ types: ['Flag'] }] } });
    expect(plan).toMatchObject({ flagRef: 'Flag/cpp-current', council: { reference: HACKNEY } });
    expect(plan!.council.name).toBeUndefined();
  });

  it('follows search pages when a child has many flags', async () => {
    const many = Array.from({ length: 130 }, (_, i) =>
      flag(`lac-many-${String(i).padStart(3, '0')}`, 'many-child', PLAN.lookedAfterChild, { start: `2025-${String((i % 12) + 1).padStart(2, '0')}-01` }));
    await repo.createMany(many);
    expect(await cpisPlansFor(repo, ['many-child'], NOW)).toHaveLength(130);
  });
});
