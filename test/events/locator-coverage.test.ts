// The shipped sample locator table covers the synthetic population: every district the generator
// uses resolves to the council that holds its people's records, so the demo's people are locatable.
import type { Patient } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUTHORITIES, pickAddress } from '../../src/cli/generate/places.ts';
import { Random } from '../../src/cli/generate/random.ts';
import { SAMPLE_LOCATOR_DIR } from '../../src/events/locator/locator-table.ts';
import { loadLocator, type Locator } from '../../src/events/locator/locator.ts';

let sample: Locator;
beforeAll(async () => {
  sample = await loadLocator(SAMPLE_LOCATOR_DIR);
});

describe('the sample table covers the synthetic population', () => {
  it("resolves every district of every generator area to that area's council, which has settings", () => {
    expect(LOCAL_AUTHORITIES.length).toBeGreaterThan(10);
    for (const la of LOCAL_AUTHORITIES) {
      expect(sample.council(la.gss)?.name, la.slug).toBe(la.councilName);
      for (const district of la.towns.flatMap((t) => t.districts)) {
        for (const inward of ['0AA', '5DT', '9ZZ']) {
          expect(sample.locate({ postcode: `${district} ${inward}` })?.gss, `${district} ${inward}`).toBe(la.gss);
        }
      }
    }
  });

  it('locates generated people at their generated council', () => {
    const random = new Random(20240601);
    for (let i = 0; i < 2000; i++) {
      const la = LOCAL_AUTHORITIES[i % LOCAL_AUTHORITIES.length]!;
      const address = pickAddress(random, la);
      const patient: Patient = { resourceType: 'Patient', address: [{ use: 'home', line: [...address.line], city: address.city, postalCode: address.postalCode }] };
      expect(sample.locatePatient(patient)?.gss, address.postalCode).toBe(la.gss);
    }
  });
});
