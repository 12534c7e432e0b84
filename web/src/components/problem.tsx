// Shows a failure the way NHS.UK pages do: an error summary with what happened and what to do.
import { FhirProblem, SESSION_ENDED } from '../lib/fhir.ts';
import { startSignIn } from '../lib/session.ts';

export function Problem({ error, title = 'There is a problem' }: { error: Error; title?: string }) {
  const ended = error instanceof FhirProblem && error.code === SESSION_ENDED;
  return (
    <div className="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabIndex={-1}>
      <h2 className="nhsuk-error-summary__title" id="error-summary-title">{title}</h2>
      <div className="nhsuk-error-summary__body">
        <p>{error.message}</p>
        {ended && (
          <button className="nhsuk-button" type="button" onClick={() => void startSignIn({ returnTo: window.location.pathname + window.location.search })}>
            Sign in again
          </button>
        )}
      </div>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="nhsuk-body" role="status">Loading {what}…</p>;
}
