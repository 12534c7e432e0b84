// The NHS.UK date input: a fieldset with day, month and year boxes, a hint, and one error message
// for the date with the boxes at fault marked.
import type { DatePart, DateParts } from './date-of-birth.ts';
import { ErrorMessage, describedBy } from '../record/error-summary.tsx';

const BOXES: Array<[DatePart, string, string]> = [['day', 'Day', 'nhsuk-input--width-2'], ['month', 'Month', 'nhsuk-input--width-2'], ['year', 'Year', 'nhsuk-input--width-4']];

export function DateInput({ id, legend, hint, value, onChange, error, errorParts }: {
  id: string;
  legend: string;
  hint: string;
  value: DateParts;
  onChange: (value: DateParts) => void;
  error: string | undefined;
  errorParts: readonly DatePart[];
}) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" role="group" aria-describedby={describedBy(`${id}-hint`, error && `${id}-error`)}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        <div className="nhsuk-hint" id={`${id}-hint`}>{hint}</div>
        <ErrorMessage id={`${id}-error`} message={error} />
        <div className="nhsuk-date-input" id={id}>
          {BOXES.map(([part, label, width]) => (
            <div className="nhsuk-date-input__item" key={part}>
              <div className="nhsuk-form-group">
                <label className="nhsuk-label nhsuk-date-input__label" htmlFor={`${id}-${part}`}>{label}</label>
                <input
                  className={`nhsuk-input nhsuk-date-input__input ${width}${error && errorParts.includes(part) ? ' nhsuk-input--error' : ''}`}
                  id={`${id}-${part}`}
                  name={`${id}-${part}`}
                  type="text"
                  inputMode="numeric"
                  value={value[part]}
                  onChange={(e) => onChange({ ...value, [part]: e.target.value })}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
