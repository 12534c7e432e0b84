// Claiming access to a person's record: a self-claimed legitimate relationship, or emergency access
// (break glass) where the role allows it, always with a reason the privacy officer will review.
// POST Patient/{id}/$claim-access; see docs/governance/policy.md#self-claim-and-break-glass
import { useState, type FormEvent } from 'react';
import { Problem } from '../../components/problem.tsx';
import { fhir, FhirProblem, parameters } from '../../lib/fhir.ts';
import { ErrorMessage, ErrorSummary, describedBy, errorFor, type FieldError } from './error-summary.tsx';
import { useFormSubmission } from './use-form-submission.ts';

export type ClaimKind = 'self-claim' | 'break-glass';
const MIN_REASON = 10;

const OPTIONS: Record<ClaimKind, { label: string; hint: string }> = {
  'self-claim': {
    label: 'I have a legitimate relationship (self-claim)',
    hint: 'You are caring for this person, but the record does not show it yet. For example, they have just been referred to you.',
  },
  'break-glass': {
    label: 'Emergency access (break glass)',
    hint: 'Only in an emergency, when you need the record now to keep the person or others safe. You will also see information marked sensitive.',
  },
};

function check(kind: ClaimKind | undefined, reason: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!kind) errors.push({ field: 'claim-kind-1', message: 'Select how you want to see the record' });
  const trimmed = reason.trim();
  if (!trimmed) errors.push({ field: 'claim-reason', message: 'Enter your reason' });
  else if (trimmed.length < MIN_REASON) errors.push({ field: 'claim-reason', message: `Reason must be ${MIN_REASON} characters or more` });
  return errors;
}

export function ClaimForm({ patientId, kinds, onClaimed }: { patientId: string; kinds: readonly ClaimKind[]; onClaimed: () => void }) {
  const [kind, setKind] = useState<ClaimKind>();
  const [reason, setReason] = useState('');
  const { errors, failure, sending, summary, submit } = useFormSubmission();

  const send = (event: FormEvent) => {
    event.preventDefault();
    void submit(check(kind, reason), async () => {
      await fhir(`Patient/${encodeURIComponent(patientId)}/$claim-access`, { method: 'POST', body: parameters({ kind, reason: reason.trim() }) });
      onClaimed();
    }, (err) =>
      // The server's own check of the reason reads as a field error, anything else as a problem.
      (err instanceof FhirProblem && err.code === 'POLICY_CLAIM_REASON' ? [{ field: 'claim-reason', message: err.message }] : undefined));
  };

  const kindError = errorFor(errors, 'claim-kind-1');
  const reasonError = errorFor(errors, 'claim-reason');
  return (
    <form noValidate onSubmit={send}>
      <ErrorSummary errors={errors} ref={summary} />
      {failure && <Problem error={failure} title="Your claim was not recorded" />}
      <div className={`nhsuk-form-group${kindError ? ' nhsuk-form-group--error' : ''}`}>
        <fieldset className="nhsuk-fieldset" aria-describedby={describedBy('claim-kind-hint', kindError && 'claim-kind-error')}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
            <h2 className="nhsuk-fieldset__heading">How do you want to see the record?</h2>
          </legend>
          <div className="nhsuk-hint" id="claim-kind-hint">Your name, role, organisation and reason are recorded and reviewed by the privacy officer.</div>
          <ErrorMessage id="claim-kind-error" message={kindError} />
          <div className="nhsuk-radios">
            {kinds.map((k, i) => (
              <div className="nhsuk-radios__item" key={k}>
                <input className="nhsuk-radios__input" id={`claim-kind-${i + 1}`} name="claim-kind" type="radio" value={k}
                  checked={kind === k} onChange={() => setKind(k)} aria-describedby={`claim-kind-${i + 1}-hint`} />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={`claim-kind-${i + 1}`}>{OPTIONS[k].label}</label>
                <div className="nhsuk-hint nhsuk-radios__hint" id={`claim-kind-${i + 1}-hint`}>{OPTIONS[k].hint}</div>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <div className={`nhsuk-form-group${reasonError ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label nhsuk-label--s" htmlFor="claim-reason">Reason</label>
        <div className="nhsuk-hint" id="claim-reason-hint">Say why you need to see the record. At least {MIN_REASON} characters.</div>
        <ErrorMessage id="claim-reason-error" message={reasonError} />
        <textarea className={`nhsuk-textarea${reasonError ? ' nhsuk-textarea--error' : ''}`} id="claim-reason" name="claim-reason" rows={3}
          aria-describedby={describedBy('claim-reason-hint', reasonError && 'claim-reason-error')} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <button className="nhsuk-button" type="submit" disabled={sending}>{kind === 'break-glass' ? 'Break glass and see the record' : 'Continue to the record'}</button>
    </form>
  );
}
