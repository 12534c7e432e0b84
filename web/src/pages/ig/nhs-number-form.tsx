// Asks for an NHS number the NHS.UK way: a labelled input with a hint, checked (10 digits, valid
// check digit) before anything is looked up, errors in a summary and beside the field.
import { useRef, useState, type FormEvent } from 'react';
import { isValidNhsNumber } from './display-formats.ts';

function problemWith(value: string): string | undefined {
  const digits = value.replace(/[\s-]/g, '');
  if (!digits) return 'Enter an NHS number';
  if (!/^\d{10}$/.test(digits)) return 'NHS number must be 10 digits';
  if (!isValidNhsNumber(digits)) return 'Enter a valid NHS number. Check you have typed it correctly';
  return undefined;
}

export function NhsNumberForm({ initial, submitText, onFind }: { initial?: string; submitText: string; onFind: (nhsNumber: string) => void }) {
  const [value, setValue] = useState(initial ?? '');
  const [error, setError] = useState<string>();
  const summary = useRef<HTMLDivElement>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const problem = problemWith(value);
    setError(problem);
    if (problem) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    onFind(value.replace(/[\s-]/g, ''));
  }

  return (
    <form noValidate onSubmit={submit}>
      {error && (
        <div className="nhsuk-error-summary" aria-labelledby="nhs-error-title" role="alert" tabIndex={-1} ref={summary}>
          <h2 className="nhsuk-error-summary__title" id="nhs-error-title">There is a problem</h2>
          <div className="nhsuk-error-summary__body">
            <ul className="nhsuk-list nhsuk-error-summary__list">
              <li><a href="#nhs-number">{error}</a></li>
            </ul>
          </div>
        </div>
      )}
      <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label nhsuk-label--s" htmlFor="nhs-number">NHS number</label>
        <div className="nhsuk-hint" id="nhs-number-hint">For example, 485 777 3456</div>
        {error && <span className="nhsuk-error-message" id="nhs-number-error"><span className="nhsuk-u-visually-hidden">Error:</span> {error}</span>}
        <input
          className={`nhsuk-input nhsuk-input--width-10${error ? ' nhsuk-input--error' : ''}`}
          id="nhs-number"
          name="nhs-number"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={error ? 'nhs-number-hint nhs-number-error' : 'nhs-number-hint'}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </div>
      <button className="nhsuk-button" type="submit">{submitText}</button>
    </form>
  );
}
