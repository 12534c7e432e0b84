// The reviewer's decision on a pair: link the two records into one person, or record that they
// are different people. The server needs a reason; the note is optional here, so a plain one is
// sent when none is written. A pair someone else decided meanwhile is explained, not retried.
import { useState, type FormEvent } from 'react';
import { Problem } from '../../components/problem.tsx';
import { FhirProblem } from '../../lib/fhir.ts';
import { followLink, navigate } from '../../lib/router.ts';
import { type Candidate, decide } from './match-review.ts';
import { sideName } from './queue-page.tsx';

type Decision = 'link' | 'reject';

const DEFAULT_REASONS: Record<Decision, string> = {
  link: 'Compared side by side: the same person',
  reject: 'Compared side by side: not the same person',
};

function AlreadyDecidedProblem() {
  return (
    <div className="nhsuk-error-summary" aria-labelledby="decided-title" role="alert" tabIndex={-1}>
      <h2 className="nhsuk-error-summary__title" id="decided-title">This pair has already been decided</h2>
      <div className="nhsuk-error-summary__body">
        <p>Someone decided about these two records while you were looking at them, so your decision was not recorded.</p>
        <p><a href="/matching" onClick={followLink}>Go back to the review queue</a></p>
      </div>
    </div>
  );
}

export function DecisionForm({ candidate }: { candidate: Candidate }) {
  const [note, setNote] = useState('');
  const [sending, setSending] = useState<Decision>();
  const [failure, setFailure] = useState<Error>();

  async function send(decision: Decision) {
    setSending(decision);
    setFailure(undefined);
    try {
      await decide(candidate.id, decision, note.trim() || DEFAULT_REASONS[decision]);
      const names = `${sideName(candidate.left)} (${candidate.left.source ?? 'unknown source'}) and ${sideName(candidate.right)} (${candidate.right.source ?? 'unknown source'})`;
      navigate(`/matching?${decision === 'link' ? 'linked' : 'rejected'}=${encodeURIComponent(names)}`);
    } catch (error) {
      setFailure(error as Error);
      setSending(undefined);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    void send(submitter?.value === 'reject' ? 'reject' : 'link');
  }

  const decided = failure instanceof FhirProblem && failure.status === 409;
  return (
    <form noValidate onSubmit={submit}>
      <h2>Your decision</h2>
      {decided && <AlreadyDecidedProblem />}
      {failure && !decided && <Problem error={failure} title="Your decision was not recorded" />}
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="decision-note">Note (optional)</label>
        <div className="nhsuk-hint" id="decision-note-hint">What you checked, for example “Same address history on the council system”. It is kept with the link history.</div>
        <textarea className="nhsuk-textarea" id="decision-note" rows={3} aria-describedby="decision-note-hint" value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="sc-decision-buttons">
        <button className="nhsuk-button" type="submit" name="decision" value="link" disabled={sending !== undefined}>
          {sending === 'link' ? 'Linking…' : 'Link these records'}
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit" name="decision" value="reject" disabled={sending !== undefined}>
          {sending === 'reject' ? 'Saving…' : 'Not the same person'}
        </button>
      </div>
    </form>
  );
}
