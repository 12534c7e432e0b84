// Consent to view (Hackney): the person is asked before each viewing session and their answer is
// recorded, yes or no, with an optional note; a "no" is kept and reported to the IG lead.
// POST Patient/{id}/$consent-to-view; see docs/governance/policy.md#consent-and-opt-outs
import { useState, type FormEvent } from 'react';
import { Problem } from '../../components/problem.tsx';
import { fhir, parameters } from '../../lib/fhir.ts';
import { ErrorMessage, ErrorSummary, describedBy, errorFor, type FieldError } from './error-summary.tsx';
import { useFormSubmission } from './use-form-submission.ts';

export type ConsentAnswer = 'given' | 'refused';

const ANSWERS: Array<[ConsentAnswer, string]> = [
  ['given', 'Yes, they agree to me viewing their record now'],
  ['refused', 'No, they do not agree'],
];

export function ConsentForm({ patientId, name, onAnswered }: { patientId: string; name: string; onAnswered: (answer: ConsentAnswer) => void }) {
  const [answer, setAnswer] = useState<ConsentAnswer>();
  const [note, setNote] = useState('');
  const { errors, failure, sending, summary, submit } = useFormSubmission();

  const send = (event: FormEvent) => {
    event.preventDefault();
    const found: FieldError[] = answer ? [] : [{ field: 'consent-answer-1', message: `Select whether ${name} agrees` }];
    void submit(found, async () => {
      await fhir(`Patient/${encodeURIComponent(patientId)}/$consent-to-view`, { method: 'POST', body: parameters({ answer, note: note.trim() || undefined }) });
      onAnswered(answer!);
    });
  };

  const answerError = errorFor(errors, 'consent-answer-1');
  return (
    <form noValidate onSubmit={send}>
      <ErrorSummary errors={errors} ref={summary} />
      {failure && <Problem error={failure} title="Their answer was not recorded" />}
      <div className={`nhsuk-form-group${answerError ? ' nhsuk-form-group--error' : ''}`}>
        <fieldset className="nhsuk-fieldset" aria-describedby={describedBy(answerError && 'consent-answer-error')}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
            <h2 className="nhsuk-fieldset__heading">Does {name} agree to you viewing their shared care record?</h2>
          </legend>
          <ErrorMessage id="consent-answer-error" message={answerError} />
          <div className="nhsuk-radios">
            {ANSWERS.map(([value, label], i) => (
              <div className="nhsuk-radios__item" key={value}>
                <input className="nhsuk-radios__input" id={`consent-answer-${i + 1}`} name="consent-answer" type="radio" value={value}
                  checked={answer === value} onChange={() => setAnswer(value)} />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={`consent-answer-${i + 1}`}>{label}</label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label nhsuk-label--s" htmlFor="consent-note">Note (optional)</label>
        <div className="nhsuk-hint" id="consent-note-hint">For example, who answered if the person could not, such as their carer.</div>
        <textarea className="nhsuk-textarea" id="consent-note" name="consent-note" rows={2} aria-describedby="consent-note-hint"
          value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <button className="nhsuk-button" type="submit" disabled={sending}>Record their answer</button>
    </form>
  );
}
