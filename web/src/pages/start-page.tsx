// What a person sees before signing in: what the service is, and one way in.
import { startSignIn } from '../lib/session.ts';

export function StartPage({ returnTo }: { returnTo: string }) {
  return (
    <>
      <h1>Shared care record</h1>
      <p className="nhsuk-lede-text">See what health and social care know about the people you support, with every view recorded.</p>
      <p>Sign in with your NHS Care Identity or council account. Citizens can sign in to see their own record.</p>
      <button className="nhsuk-button" type="button" onClick={() => void startSignIn({ returnTo })}>Sign in</button>
    </>
  );
}
