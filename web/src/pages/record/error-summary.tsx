// A form's errors the NHS.UK way: a summary at the top that takes focus and links to each field,
// and the same message beside the field. Shared by the find and access-choice forms.
import { forwardRef } from 'react';

export interface FieldError {
  /** The id of the field (or first field of a group) the message is about. */
  field: string;
  message: string;
}

export const ErrorSummary = forwardRef<HTMLDivElement, { errors: readonly FieldError[]; id?: string }>(function ErrorSummary({ errors, id = 'error-summary' }, ref) {
  if (errors.length === 0) return null;
  return (
    <div className="nhsuk-error-summary" aria-labelledby={`${id}-title`} role="alert" tabIndex={-1} ref={ref}>
      <h2 className="nhsuk-error-summary__title" id={`${id}-title`}>There is a problem</h2>
      <div className="nhsuk-error-summary__body">
        <ul className="nhsuk-list nhsuk-error-summary__list">
          {errors.map((e) => <li key={e.field + e.message}><a href={`#${e.field}`}>{e.message}</a></li>)}
        </ul>
      </div>
    </div>
  );
});

/** The message beside a field, if it has one. */
export function ErrorMessage({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {message}
    </span>
  );
}

export const errorFor = (errors: readonly FieldError[], field: string): string | undefined => errors.find((e) => e.field === field)?.message;

/** Ids for aria-describedby: the hint and, when there is one, the error. */
export const describedBy = (...ids: Array<string | false | undefined>): string | undefined => ids.filter(Boolean).join(' ') || undefined;
