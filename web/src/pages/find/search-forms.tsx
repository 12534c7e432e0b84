// The two ways to find a person: by NHS number, or by last name and date of birth. Each form checks
// what was typed before anything is searched, NHS.UK style (error summary, message by the field).
import { useRef, useState, type FormEvent } from 'react';
import { ErrorMessage, ErrorSummary, describedBy, errorFor, type FieldError } from '../record/error-summary.tsx';
import { DateInput } from './date-input.tsx';
import { readDateOfBirth, type DatePart, type DateParts } from './date-of-birth.ts';
import { readNhsNumber } from './nhs-number.ts';
import type { PersonQuery } from './person-search.ts';

function useErrors() {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const summary = useRef<HTMLDivElement>(null);
  const show = (found: FieldError[]) => {
    setErrors(found);
    if (found.length > 0) requestAnimationFrame(() => summary.current?.focus());
    return found.length === 0;
  };
  return { errors, summary, show };
}

export function NhsNumberSearch({ initial, onSearch }: { initial: string; onSearch: (query: PersonQuery) => void }) {
  const [value, setValue] = useState(initial);
  const { errors, summary, show } = useErrors();
  function submit(event: FormEvent) {
    event.preventDefault();
    const read = readNhsNumber(value);
    if (show('problem' in read ? [{ field: 'nhs-number', message: read.problem }] : [])) onSearch({ nhsNumber: (read as { nhsNumber: string }).nhsNumber });
  }
  const error = errorFor(errors, 'nhs-number');
  return (
    <form noValidate onSubmit={submit} aria-labelledby="by-nhs-number">
      <h2 id="by-nhs-number" className="nhsuk-heading-m">Search by NHS number</h2>
      <ErrorSummary errors={errors} ref={summary} id="nhs-number-errors" />
      <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor="nhs-number">NHS number</label>
        <div className="nhsuk-hint" id="nhs-number-hint">This is a 10 digit number, like 485 777 3456</div>
        <ErrorMessage id="nhs-number-error" message={error} />
        <input className={`nhsuk-input nhsuk-input--width-10${error ? ' nhsuk-input--error' : ''}`} id="nhs-number" name="nhs-number" type="text"
          inputMode="numeric" autoComplete="off" spellCheck={false} aria-describedby={describedBy('nhs-number-hint', error && 'nhs-number-error')}
          value={value} onChange={(e) => setValue(e.target.value)} />
      </div>
      <button className="nhsuk-button" type="submit">Search</button>
    </form>
  );
}

export function NameSearch({ initial, onSearch }: { initial: { family: string; given: string; birth: DateParts }; onSearch: (query: PersonQuery) => void }) {
  const [family, setFamily] = useState(initial.family);
  const [given, setGiven] = useState(initial.given);
  const [birth, setBirth] = useState(initial.birth);
  const [badParts, setBadParts] = useState<DatePart[]>([]);
  const { errors, summary, show } = useErrors();
  function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = [];
    if (!family.trim()) found.push({ field: 'family-name', message: 'Enter their last name' });
    const dob = readDateOfBirth(birth);
    if ('problem' in dob) found.push({ field: `dob-${dob.parts[0]}`, message: dob.problem });
    setBadParts('problem' in dob ? dob.parts : []);
    if (show(found) && 'date' in dob) onSearch({ family: family.trim(), ...(given.trim() ? { given: given.trim() } : {}), birthDate: dob.date });
  }
  const familyError = errorFor(errors, 'family-name');
  const dobError = errors.find((e) => e.field.startsWith('dob-'))?.message;
  return (
    <form noValidate onSubmit={submit} aria-labelledby="by-name">
      <h2 id="by-name" className="nhsuk-heading-m">Search by name and date of birth</h2>
      <ErrorSummary errors={errors} ref={summary} id="name-errors" />
      <div className={`nhsuk-form-group${familyError ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor="family-name">Last name</label>
        <ErrorMessage id="family-name-error" message={familyError} />
        <input className={`nhsuk-input nhsuk-u-width-one-half${familyError ? ' nhsuk-input--error' : ''}`} id="family-name" name="family-name" type="text"
          autoComplete="off" spellCheck={false} aria-describedby={describedBy(familyError && 'family-name-error')} value={family} onChange={(e) => setFamily(e.target.value)} />
      </div>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="given-name">First name (optional)</label>
        <input className="nhsuk-input nhsuk-u-width-one-half" id="given-name" name="given-name" type="text" autoComplete="off" spellCheck={false}
          value={given} onChange={(e) => setGiven(e.target.value)} />
      </div>
      <DateInput id="dob" legend="Date of birth" hint="For example, 15 3 1984" value={birth} onChange={setBirth} error={dobError} errorParts={badParts} />
      <button className="nhsuk-button" type="submit">Search</button>
    </form>
  );
}
