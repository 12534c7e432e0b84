// Small pieces of plain language shared by the citizen's pages: what a coded thing is called (its
// text, never its code), a person's name, a phone number, a first capital letter.
import type { CodeableConcept, ContactPoint, HumanName, Reference } from '@medplum/fhirtypes';

/** What a coded concept is called: its text, else the first coding's display; never a code. */
export function called(concept: CodeableConcept | undefined): string | undefined {
  const text = concept?.text?.trim() || concept?.coding?.find((c) => c.display)?.display?.trim();
  return text ? capitalised(text) : undefined;
}

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function personName(names: HumanName[] | undefined): string | undefined {
  const name = names?.find((n) => n.use === 'usual') ?? names?.[0];
  if (!name) return undefined;
  return name.text ?? [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

export function phoneOf(telecom: ContactPoint[] | undefined): string | undefined {
  return telecom?.filter((t) => t.system === 'phone' && t.value).sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99))[0]?.value;
}

/** A reference's display name, without the job title some systems add in brackets. */
export function displayOf(reference: Reference | undefined): string | undefined {
  return reference?.display?.trim() || undefined;
}
