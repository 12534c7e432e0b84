// The viewer's routes. Pages that need a signed-in person get the start page instead, and come
// back to where they were going after sign-in.
import { Layout } from './components/layout.tsx';
import { CallbackPage } from './pages/callback-page.tsx';
import { CitizenPage } from './pages/citizen/citizen-page.tsx';
import { FindPersonPage } from './pages/find/find-person-page.tsx';
import { IgPage } from './pages/ig/ig-page.tsx';
import { InboxPage } from './pages/inbox/inbox-page.tsx';
import { LaunchPage } from './pages/launch/launch-page.tsx';
import { MatchingPage } from './pages/matching/matching-page.tsx';
import { RecordPage } from './pages/record/record-page.tsx';
import { StartPage } from './pages/start-page.tsx';
import { useLocation } from './lib/router.ts';
import { currentSession, type Session } from './lib/session.ts';
import { isCitizen, isIgLead, reviewsMatches } from './lib/roles.ts';

type Page = (props: { path: string }) => React.JSX.Element;

/** Signed-in pages by path prefix, first match wins. */
const PAGES: Array<[RegExp, Page]> = [
  [/^\/record\//, RecordPage],
  [/^\/find(\/|$)/, FindPersonPage],
  [/^\/inbox(\/|$)/, InboxPage],
  [/^\/ig(\/|$)/, IgPage],
  [/^\/matching(\/|$)/, MatchingPage],
  [/^\/me(\/|$)/, CitizenPage],
];

/** Where "home" is for each kind of user. */
function homePage(session: Session): Page {
  if (isCitizen(session.user)) return CitizenPage;
  if (isIgLead(session.user)) return IgPage;
  if (reviewsMatches(session.user)) return MatchingPage;
  return FindPersonPage;
}

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>If you typed the web address, check it is correct.</p>
    </>
  );
}

export function App() {
  const location = useLocation();
  const path = location.split('?')[0]!;
  const session = currentSession();
  let content: React.JSX.Element;
  if (path === '/callback') content = <CallbackPage />;
  // A launch works before sign-in: it starts sign-in with the launch context.
  else if (path === '/launch') content = <LaunchPage path={path} />;
  else if (!session) content = <StartPage returnTo={location} />;
  else if (path === '/') {
    const Home = homePage(session);
    content = <Home path={path} />;
  } else {
    // A citizen's record is their own area; the staff record pages are never theirs, whatever the address.
    const Found = isCitizen(session.user) && /^\/record\//.test(path) ? CitizenPage : PAGES.find(([pattern]) => pattern.test(path))?.[1];
    content = Found ? <Found path={path} /> : <NotFound />;
  }
  return <Layout session={session}>{content}</Layout>;
}
