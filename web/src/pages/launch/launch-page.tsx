// Where a case-management system sends the browser to open the viewer on a person: the link is
// checked here, then sign-in starts with it; after sign-in the viewer lands on that person's record.
// A launch says which person, never who the user is: they still sign in, and the record's rules apply.
import { useEffect, useState } from 'react';
import { Loading } from '../../components/problem.tsx';
import { startSignIn } from '../../lib/session.ts';
import { launchFrom } from './launch-link.ts';

export function LaunchPage(_props: { path: string }) {
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const link = launchFrom(new URLSearchParams(window.location.search), window.location.origin);
    if (link.ok) void startSignIn({ launch: link.launch, returnTo: '/' });
    else setProblem(link.message);
  }, []);
  if (!problem) return <><h1>Opening the record</h1><Loading what="the sign-in page" /></>;
  return (
    <>
      <h1>This link cannot open a record</h1>
      <div className="nhsuk-error-summary" aria-labelledby="launch-error-title" role="alert" tabIndex={-1}>
        <h2 className="nhsuk-error-summary__title" id="launch-error-title">There is a problem</h2>
        <div className="nhsuk-error-summary__body"><p>{problem}</p></div>
      </div>
    </>
  );
}
