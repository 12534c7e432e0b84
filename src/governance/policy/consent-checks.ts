// A Consent is checked before it is stored, because a malformed one could silently mean the opposite
// of what the person decided (an InterSystems advisory: a rule with an empty group did the reverse;
// another: a consent for a not-yet-existing id later applied to whoever got that id).
import type { Consent } from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';

/** The Patient id the Consent is about; throws when its shape could be misread. */
export function checkConsentShape(consent: Consent): string {
  const id = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(consent.patient?.reference ?? '')?.[1];
  if (!id) throw invalid('CONSENT_PATIENT', 'A Consent must name the person it is about as a local reference (Patient/<id>)', 'Consent.patient');
  const provision = consent.provision;
  if (provision) {
    if (provision.type !== 'deny' && provision.type !== 'permit') {
      throw invalid('CONSENT_PROVISION_TYPE', 'A Consent provision must say whether it denies or permits (provision.type)', 'Consent.provision.type');
    }
    if (provision.actor !== undefined) {
      if (provision.actor.length === 0) throw invalid('CONSENT_ACTOR_EMPTY', 'provision.actor, when given, must name at least one actor', 'Consent.provision.actor');
      provision.actor.forEach((a, i) => {
        if (!a.reference?.reference && !a.reference?.identifier?.value) {
          throw invalid('CONSENT_ACTOR', 'Each provision.actor must name who it is by reference or identifier', `Consent.provision.actor[${i}].reference`);
        }
      });
    }
  }
  return id;
}
