// "Your data choices": whether the person's information may be used for research and planning
// (secondary uses), recorded as their own opt-out through `Patient/<id>/$opt-out`, and changed back
// the same way. It never changes who may see their record to care for them.
import type { Parameters } from '@medplum/fhirtypes';
import { useState, type FormEvent } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { fhir, parameterValue } from '../../lib/fhir.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { dateInWords } from './plain-dates.ts';

type Choice = 'opt-out' | 'opt-in';

interface CurrentChoice {
  choice: Choice;
  since?: string;
  /** Opt-outs recorded elsewhere, such as at a GP practice. */
  elsewhere: string[];
}

function choiceOf(params: Parameters): CurrentChoice {
  const since = parameterValue(params, 'since');
  return {
    choice: parameterValue(params, 'choice') === 'opt-out' ? 'opt-out' : 'opt-in',
    ...(typeof since === 'string' ? { since } : {}),
    elsewhere: (params.parameter ?? []).filter((p) => p.name === 'alsoInForce').map((p) => p.valueCode ?? ''),
  };
}

const operation = (patientId: string) => `Patient/${encodeURIComponent(patientId)}/$opt-out`;

function Current({ current }: { current: CurrentChoice }) {
  const since = dateInWords(current.since);
  return (
    <div className="nhsuk-inset-text" id="current-choice">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      {current.choice === 'opt-out'
        ? <p>You have opted out{since ? ` since ${since}` : ''}. Your information is not used for research and planning.</p>
        : <p>You have not opted out. Your information can be used for research and planning.</p>}
      {current.elsewhere.includes('gp-type-1-opt-out') && <p>Your GP practice has also recorded that your GP record must not be shared for these purposes. To change that, ask your GP practice.</p>}
    </div>
  );
}

export function ChoicesPage({ patientId }: { patientId: string }) {
  const [loaded, reload] = useLoad(async () => choiceOf(await fhir<Parameters>(operation(patientId))), [patientId]);
  const [selected, setSelected] = useState<Choice>();
  const [missing, setMissing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<Choice>();
  const [failure, setFailure] = useState<Error>();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(undefined);
    setFailure(undefined);
    if (!selected) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setSaving(true);
    try {
      await fhir<Parameters>(operation(patientId), { method: 'POST', body: { resourceType: 'Parameters', parameter: [{ name: 'choice', valueCode: selected }] } });
      setSaved(selected);
      reload();
    } catch (err) {
      setFailure(err as Error);
    } finally {
      setSaving(false);
    }
  };

  const heading = <h1>Your data choices</h1>;
  if (loaded.state === 'loading' && !saved) return <>{heading}<Loading what="your choice" /></>;
  if (loaded.state === 'failed') return <>{heading}<Problem error={loaded.error} /></>;
  return (
    <>
      {heading}
      {missing && (
        <div className="nhsuk-error-summary" aria-labelledby="choice-error-title" role="alert" tabIndex={-1}>
          <h2 className="nhsuk-error-summary__title" id="choice-error-title">There is a problem</h2>
          <div className="nhsuk-error-summary__body">
            <ul className="nhsuk-list nhsuk-error-summary__list"><li><a href="#choice-opt-in">Select whether your information can be used for research and planning</a></li></ul>
          </div>
        </div>
      )}
      {failure && <Problem title="Your choice was not saved" error={failure} />}
      {saved && (
        <div className="nhsuk-panel" role="status">
          <h2 className="nhsuk-panel__title">Your choice has been saved</h2>
          <div className="nhsuk-panel__body">{saved === 'opt-out' ? 'You have opted out of research and planning.' : 'You have withdrawn your opt-out.'}</div>
        </div>
      )}
      <p className="nhsuk-lede-text">Your health and care information is used to care for you. It can also be used, without your name, to plan services and for research.</p>
      <p>You can choose to stop your information being used for research and planning. This does not change who can see your record to care for you.</p>
      {loaded.state === 'ready' ? <Current current={loaded.data} /> : <Loading what="your choice" />}
      <form onSubmit={(e) => void save(e)} noValidate>
        <div className={`nhsuk-form-group${missing ? ' nhsuk-form-group--error' : ''}`}>
          <fieldset className="nhsuk-fieldset" aria-describedby={missing ? 'choice-error' : undefined}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
              <h2 className="nhsuk-fieldset__heading">Can your information be used for research and planning?</h2>
            </legend>
            {missing && <span className="nhsuk-error-message" id="choice-error"><span className="nhsuk-u-visually-hidden">Error:</span> Select whether your information can be used for research and planning</span>}
            <div className="nhsuk-radios">
              <div className="nhsuk-radios__item">
                <input className="nhsuk-radios__input" id="choice-opt-in" name="choice" type="radio" value="opt-in" checked={selected === 'opt-in'} onChange={() => setSelected('opt-in')} />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor="choice-opt-in">Yes, my information can be used for research and planning</label>
              </div>
              <div className="nhsuk-radios__item">
                <input className="nhsuk-radios__input" id="choice-opt-out" name="choice" type="radio" value="opt-out" checked={selected === 'opt-out'} onChange={() => setSelected('opt-out')} />
                <label className="nhsuk-label nhsuk-radios__label" htmlFor="choice-opt-out">No, do not use my information for research and planning (opt out)</label>
              </div>
            </div>
          </fieldset>
        </div>
        <button className="nhsuk-button" type="submit" disabled={saving}>Save my choice</button>
      </form>
      <p className="nhsuk-body-s">This choice is kept in sharedcare and applies to the research and planning data sharedcare provides. The NHS national data opt-out covers the whole NHS in England: you can also set it at nhs.uk/your-nhs-data-matters.</p>
    </>
  );
}
