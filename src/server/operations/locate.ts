// $locate: GET|POST [base]/$locate?postcode=…&address=…&uprn=… — which council is responsible for an
// address, and how to reach it: this deployment's answer to the HealthcareLocatorService's
// responsibleLAfromAddress. See: https://simplifier.net/guide/HealthcareLocatorService/ResponsibleLAfromAddress
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { ONS_GSS_CODE_SYSTEM } from '../../fhir/systems.ts';
import { normalisePostcode } from '../../events/locator/locator-table.ts';
import type { LocatorResult } from '../../events/locator/locator.ts';
import type { Interaction } from '../fhir-request.ts';
import { access } from '../rest-semantics.ts';
import { operationInput } from './operation-input.ts';

/** Address lines from each `address` value: as the locator service does, commas part lines and `\,` is a comma. */
export function addressLines(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(/(?<!\\),/))
    .map((line) => line.replace(/\\,/g, ',').trim())
    .filter((line) => line !== '');
}

/** The Parameters answer for a located council. */
export function locateResult(result: LocatorResult): Parameters {
  const { council } = result;
  const parameter: ParametersParameter[] = [
    { name: 'localAuthority', valueCoding: { system: ONS_GSS_CODE_SYSTEM, code: result.gss, display: result.name } },
    { name: 'name', valueString: result.name },
    { name: 'matchedBy', valueCode: result.matchedBy },
  ];
  if (council?.endpoint) parameter.push({ name: 'endpoint', valueUrl: council.endpoint });
  if (council?.email) parameter.push({ name: 'email', valueString: council.email });
  if (council?.local !== undefined) parameter.push({ name: 'local', valueBoolean: council.local });
  if (council?.officeHoursPhone) parameter.push({ name: 'officeHoursPhone', valueString: council.officeHoursPhone });
  if (council?.emergencyDutyPhone) parameter.push({ name: 'emergencyDutyPhone', valueString: council.emergencyDutyPhone });
  return { resourceType: 'Parameters', parameter };
}

export const locateOperation: Interaction = async (req, ctx) => {
  // The answer names councils and how to reach them, as reading Organization would.
  access(req, 'Organization', 'r');
  const input = operationInput(req);
  const given = input.string('postcode');
  if (!given?.trim()) throw invalid('LOCATOR_POSTCODE', "Give the 'postcode' to locate", input.location('postcode'));
  const postcode = normalisePostcode(given);
  // The value is not echoed back: with an address it is personal data.
  if (!postcode) throw invalid('LOCATOR_POSTCODE', "'postcode' is not a UK postcode (like SW1A 2AA)", input.location('postcode'));
  const uprn = input.string('uprn')?.trim();
  const result = ctx.events.locator.locate({ postcode, lines: addressLines(input.strings('address')), ...(uprn ? { uprn } : {}) });
  if (!result) throw new FhirError('not-found', 'LOCATOR_NOT_FOUND', 'No council is known for this postcode');
  return { status: 200, body: locateResult(result) };
};
