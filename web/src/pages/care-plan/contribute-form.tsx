// "Add to the care plan": a note, or an activity the user's organisation will carry out. Shown only to
// roles that may contribute; the server refuses everyone else and signs what is added.
import type { CarePlan } from '@medplum/fhirtypes';
import { useId, useRef, useState, type FormEvent } from 'react';
import { FhirProblem } from '../../lib/fhir.ts';
import type { Contributor } from './care-plans.ts';
import { savePlan, withContribution, type ContributionKind } from './contribution.ts';

export interface ContributeFormProps {
  plan: CarePlan;
  /** Who is adding, and for which organisation. */
  by: { name: string; organisation: Contributor };
  onSaved(message: string): void;
  onReload(): void;
}

export function ContributeForm({ plan, by, onSaved, onReload }: ContributeFormProps) {
  const id = useId();
  const [kind, setKind] = useState<ContributionKind>('note');
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const field = `${id}-text`;
  const label = kind === 'note' ? 'Note' : 'What will be done';
  const missingText = kind === 'note' ? 'Enter the note to add' : 'Enter what will be done';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(undefined);
    if (!text.trim()) {
      setMissing(true);
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setMissing(false);
    setBusy(true);
    try {
      await savePlan(withContribution(plan, kind, text.trim(), by));
      onSaved(kind === 'note' ? 'Your note was added to the care plan' : 'Your activity was added to the care plan');
    } catch (err) {
      setFailure(err as Error);
      requestAnimationFrame(() => summary.current?.focus());
    } finally {
      setBusy(false);
    }
  }

  const conflict = failure instanceof FhirProblem && failure.status === 412;
  return (
    <form className="sc-contribute" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-heading`}>
      <h4 className="nhsuk-heading-s" id={`${id}-heading`}>Add to the care plan</h4>
      {(missing || failure) && (
        <div className="nhsuk-error-summary" role="alert" tabIndex={-1} ref={summary} aria-labelledby={`${id}-error-title`}>
          <h5 className="nhsuk-error-summary__title" id={`${id}-error-title`}>There is a problem</h5>
          <div className="nhsuk-error-summary__body">
            {missing && <ul className="nhsuk-list nhsuk-error-summary__list"><li><a href={`#${field}`}>{missingText}</a></li></ul>}
            {conflict && (
              <>
                <p>Someone else changed this care plan, reload to see the latest version and add yours again.</p>
                <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onReload}>Reload the care plans</button>
              </>
            )}
            {failure && !conflict && <p>{failure.message}</p>}
          </div>
        </div>
      )}
      <div className="nhsuk-form-group">
        <fieldset className="nhsuk-fieldset">
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">What do you want to add?</legend>
          <div className="nhsuk-radios nhsuk-radios--inline">
            <Radio name={`${id}-kind`} value="note" checked={kind === 'note'} label="A note" onChange={() => setKind('note')} />
            <Radio name={`${id}-kind`} value="activity" checked={kind === 'activity'} label="An activity" onChange={() => setKind('activity')} />
          </div>
        </fieldset>
      </div>
      <div className={`nhsuk-form-group${missing ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor={field}>{label}</label>
        <div className="nhsuk-hint" id={`${field}-hint`}>
          {kind === 'note'
            ? `Everyone who can see this plan will see your note, with your name and ${by.organisation.name}.`
            : `${by.organisation.name} will be shown as doing it. It starts as not started.`}
        </div>
        {missing && <span className="nhsuk-error-message" id={`${field}-error`}><span className="nhsuk-u-visually-hidden">Error:</span> {missingText}</span>}
        <textarea className={`nhsuk-textarea${missing ? ' nhsuk-textarea--error' : ''}`} id={field} name="text" rows={3}
          aria-describedby={`${field}-hint${missing ? ` ${field}-error` : ''}`} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <button className="nhsuk-button" type="submit" disabled={busy}>Add to the care plan</button>
    </form>
  );
}

function Radio({ name, value, checked, label, onChange }: { name: string; value: string; checked: boolean; label: string; onChange(): void }) {
  const id = `${name}-${value}`;
  return (
    <div className="nhsuk-radios__item">
      <input className="nhsuk-radios__input" id={id} name={name} type="radio" value={value} checked={checked} onChange={onChange} />
      <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>{label}</label>
    </div>
  );
}
