// CP-IS plans rendered in the CP-IS FHIR R4 API's CareTeam shape.
import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { CHILD_PROTECTION_PLAN_CODES as PLAN, NHS_NUMBER_SYSTEM, ONS_GSS_CODE_SYSTEM, SNOMED_SYSTEM } from '../../fhir/systems.ts';
import { CPIS_CARETEAM_PROFILE, cpisCareTeams } from './cpis-careteam.ts';
import type { CpisPlan } from './cpis-plans.ts';

const child: Patient = {
  resourceType: 'Patient', id: 'child-1',
  identifier: [{ system: 'urn:sharedcare:id:mosaic:person', value: 'P1' }, { system: NHS_NUMBER_SYSTEM, value: '9990000018' }],
};

const current: CpisPlan = {
  planType: { code: PLAN.childProtectionPlan, display: 'Subject to child protection plan' },
  flagRef: 'Flag/f1', start: '2025-06-01', active: true,
  council: {
    reference: 'Organization/la-E08000019', gss: 'E08000019', name: 'Sheffield City Council',
    officeHoursPhone: '0114 273 4855', emergencyDutyPhone: '0114 273 4855 9',
  },
};

const endedLookedAfter: CpisPlan = {
  planType: { code: PLAN.lookedAfterChild, display: 'Looked after child' },
  flagRef: 'Flag/f2', start: '2023-01-10', end: '2025-09-01', active: false,
  council: { gss: 'E10000024' },
};

describe('cpisCareTeams', () => {
  it('renders a current plan as the CP-IS API does', () => {
    expect(cpisCareTeams([current], child)).toEqual([{
      resourceType: 'CareTeam',
      meta: { profile: [CPIS_CARETEAM_PROFILE] },
      status: 'active',
      category: [{ coding: [{ system: SNOMED_SYSTEM, code: PLAN.childProtectionPlan, display: 'Subject to child protection plan' }], text: 'Subject to child protection plan' }],
      name: 'Sheffield City Council',
      subject: { reference: 'Patient/child-1', identifier: { system: NHS_NUMBER_SYSTEM, value: '9990000018' } },
      period: { start: '2025-06-01' },
      managingOrganization: [{ reference: 'Organization/la-E08000019', identifier: { system: ONS_GSS_CODE_SYSTEM, value: 'E08000019' }, display: 'Sheffield City Council' }],
      telecom: [
        { system: 'phone', value: '0114 273 4855', use: 'work' },
        { system: 'phone', value: '0114 273 4855 9', use: 'mobile' },
      ],
    }]);
  });

  it('marks an ended plan inactive and leaves out what is not known', () => {
    const [team] = cpisCareTeams([endedLookedAfter], { resourceType: 'Patient', id: 'child-2' });
    expect(team).toEqual({
      resourceType: 'CareTeam',
      meta: { profile: [CPIS_CARETEAM_PROFILE] },
      status: 'inactive',
      category: [{ coding: [{ system: SNOMED_SYSTEM, code: PLAN.lookedAfterChild, display: 'Looked after child' }], text: 'Looked after child' }],
      subject: { reference: 'Patient/child-2' },
      period: { start: '2023-01-10', end: '2025-09-01' },
      managingOrganization: [{ identifier: { system: ONS_GSS_CODE_SYSTEM, value: 'E10000024' } }],
    });
  });

  it('keeps one CareTeam per plan, in order, and none for no plans', () => {
    const unknownCouncil: CpisPlan = { planType: { code: PLAN.unbornChildProtectionPlan, display: 'Unborn child subject to child protection plan' }, flagRef: 'Flag/f3', active: true, council: {} };
    const teams = cpisCareTeams([current, endedLookedAfter, unknownCouncil], child);
    expect(teams.map((t) => t.category?.[0]?.coding?.[0]?.code)).toEqual([PLAN.childProtectionPlan, PLAN.lookedAfterChild, PLAN.unbornChildProtectionPlan]);
    expect(teams[2]).not.toHaveProperty('managingOrganization');
    expect(teams[2]).not.toHaveProperty('period');
    expect(teams[2]).not.toHaveProperty('telecom');
    expect(teams[2]).not.toHaveProperty('name');
    expect(cpisCareTeams([], child)).toEqual([]);
  });
});
