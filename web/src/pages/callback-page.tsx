// Where sign-in comes back to: swaps the code for a session, then goes where the person was heading.
import { useEffect, useState } from 'react';
import { Loading, Problem } from '../components/problem.tsx';
import { navigate } from '../lib/router.ts';
import { completeSignIn, currentSession } from '../lib/session.ts';

export function CallbackPage() {
  const [error, setError] = useState<Error>();
  useEffect(() => {
    completeSignIn(new URLSearchParams(window.location.search)).then(
      (returnTo) => {
        const session = currentSession();
        // A launch or a citizen's sign-in names the record to open.
        const landing = session?.patient && returnTo === '/' ? (session.user.kind === 'citizen' ? '/me' : `/record/Patient/${session.patient}`) : returnTo;
        navigate(landing, { replace: true });
      },
      (err: Error) => setError(err),
    );
  }, []);
  if (error) return <Problem title="Sign-in did not finish" error={error} />;
  return <Loading what="your session" />;
}
