// A privacy officer's judgement of one access: appropriate or not, and a note saying why (the
// server requires one). Sent with $audit-review; the review is kept beside the audit trail.
import { useRef, useState, type FormEvent } from 'react';
import { Problem } from '../../components/problem.tsx';
import { recordReview } from './audit-report.ts';

type Outcome = 'appropriate' | 'inappropriate';

export function ReviewForm({ seq, onReviewed }: { seq: string; onReviewed: (outcome: Outcome) => void }) {
  const [outcome, setOutcome] = useState<Outcome>();
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<{ outcome?: string; note?: string }>({});
  const [failure, setFailure] = useState<Error>();
  const [sending, setSending] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const id = (name: string) => `review-${seq}-${name}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = {
      ...(outcome ? {} : { outcome: 'Select whether this access was appropriate' }),
      ...(note.trim() ? {} : { note: 'Enter a note saying what you found' }),
    };
    setErrors(found);
    setFailure(undefined);
    if (!outcome || found.note) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setSending(true);
    try {
      await recordReview(seq, outcome, note.trim());
      onReviewed(outcome);
    } catch (error) {
      setFailure(error as Error);
    } finally {
      setSending(false);
    }
  }

  const listed = Object.entries(errors).filter(([, message]) => message) as Array<[string, string]>;
  return (
    <form noValidate onSubmit={(e) => void submit(e)}>
      {listed.length > 0 && (
        <div className="nhsuk-error-summary" aria-labelledby={id('errors')} role="alert" tabIndex={-1} ref={summary}>
          <h4 className="nhsuk-error-summary__title" id={id('errors')}>There is a problem</h4>
          <div className="nhsuk-error-summary__body">
            <ul className="nhsuk-list nhsuk-error-summary__list">
              {listed.map(([field, message]) => <li key={field}><a href={`#${id(field === 'outcome' ? 'appropriate' : 'note')}`}>{message}</a></li>)}
            </ul>
          </div>
        </div>
      )}
      {failure && <Problem error={failure} title="The review was not saved" />}
      <div className={`nhsuk-form-group${errors.outcome ? ' nhsuk-form-group--error' : ''}`}>
        <fieldset className="nhsuk-fieldset" aria-describedby={errors.outcome ? id('outcome-error') : undefined}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Was this access appropriate?</legend>
          {errors.outcome && <span className="nhsuk-error-message" id={id('outcome-error')}><span className="nhsuk-u-visually-hidden">Error:</span> {errors.outcome}</span>}
          <div className="nhsuk-radios nhsuk-radios--inline">
            {([['appropriate', 'Yes, appropriate'], ['inappropriate', 'No, not appropriate']] as const).map(([value, label]) => (
              <div className="nhsuk-radios__item" key={value}>
                <input className="nhsuk-radios__input" id={id(value)} name={id('outcome')} type="radio" value={value}
                  checked={outcome === value} onChange={() => {
                    setOutcome(value);
                    setErrors(({ outcome: _fixed, ...rest }) => rest);
                  }} />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor={id(value)}>{label}</label>
              </div>
            ))}
          </div>
        </fieldset>
      </div>
      <div className={`nhsuk-form-group${errors.note ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label nhsuk-label--s" htmlFor={id('note')}>Note</label>
        <div className="nhsuk-hint" id={id('note-hint')}>What you checked and why you decided this. It is kept with the audit trail.</div>
        {errors.note && <span className="nhsuk-error-message" id={id('note-error')}><span className="nhsuk-u-visually-hidden">Error:</span> {errors.note}</span>}
        <textarea className={`nhsuk-textarea${errors.note ? ' nhsuk-textarea--error' : ''}`} id={id('note')} rows={3} value={note}
          aria-describedby={errors.note ? `${id('note-hint')} ${id('note-error')}` : id('note-hint')} onChange={(e) => {
            setNote(e.target.value);
            if (e.target.value.trim()) setErrors(({ note: _fixed, ...rest }) => rest);
          }} />
      </div>
      <button className="nhsuk-button" type="submit" disabled={sending}>{sending ? 'Saving…' : 'Mark as reviewed'}</button>
    </form>
  );
}
