// What PDS shows of a record: a search returns reduced data, and a restricted (sensitive) patient
// never shows where they live or how to reach them.
// See: ../../../../shared/reference/uk-standards.md §3
import type { Patient } from '@medplum/fhirtypes';
import { isRestricted } from './spine-codes.ts';

const SEARCH_NAME_USES = new Set(['usual', 'nickname', 'temporary', undefined]);

/** A read: the whole record, less location details when restricted. */
export function readView(patient: Patient): Patient {
  return isRestricted(patient) ? withoutLocation(patient) : patient;
}

/** A search entry: usual/nickname/temporary names, the home address, no communication; restricted as for a read. */
export function searchView(patient: Patient): Patient {
  const { communication: _communication, ...rest } = patient;
  const reduced: Patient = {
    ...rest,
    ...(patient.name ? { name: patient.name.filter((n) => SEARCH_NAME_USES.has(n.use)) } : {}),
    ...(patient.address ? { address: patient.address.filter((a) => a.use === undefined || a.use === 'home') } : {}),
  };
  return readView(reduced);
}

/** Address, telecom, contact and registered GP are withheld for restricted patients. */
function withoutLocation(patient: Patient): Patient {
  const { address: _address, telecom: _telecom, contact: _contact, generalPractitioner: _gp, ...rest } = patient;
  return rest;
}
