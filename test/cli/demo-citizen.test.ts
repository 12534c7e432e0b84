// The demo's citizen sign-in must find its person: the demo population (the seed `serve` loads)
// holds a Patient with the demo citizen's NHS number.
import { describe, expect, it } from 'vitest';
import { generatePopulation } from '../../src/cli/generate/generate-population.ts';
import { demoPopulation } from '../../src/cli/serve-command.ts';
import { DEFAULT_CONFIG } from '../../src/server/config.ts';
import { DEMO_USERS } from '../../src/governance/demo-users.ts';
import { NHS_NUMBER_SYSTEM } from '../../src/fhir/systems.ts';

describe('the demo citizen', () => {
  it('is a person of the demo population', () => {
    const citizen = DEMO_USERS.find((u) => u.kind === 'citizen');
    expect(citizen?.kind).toBe('citizen');
    const nhs = citizen!.kind === 'citizen' ? citizen!.nhsNumber : '';
    const numbers = new Set<string>();
    for (const bundle of generatePopulation(demoPopulation(DEFAULT_CONFIG.demoPeople))) {
      for (const entry of bundle.entry ?? []) {
        const r = entry.resource as { resourceType?: string; identifier?: Array<{ system?: string; value?: string }> } | undefined;
        if (r?.resourceType !== 'Patient') continue;
        for (const i of r.identifier ?? []) if (i.system === NHS_NUMBER_SYSTEM && i.value) numbers.add(i.value);
      }
    }
    expect(numbers.has(nhs), `${nhs} among ${numbers.size} demo NHS numbers`).toBe(true);
  });
});
