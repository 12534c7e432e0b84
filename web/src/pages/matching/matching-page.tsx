// Matching review, the Health Records Manager's home: the queue of possible matches and, for each,
// the two records side by side. Other roles are told it is not theirs; nothing is fetched for them
// (and the server refuses them the queue).
import { matchPath } from '../../lib/router.ts';
import { reviewsMatches } from '../../lib/roles.ts';
import { currentSession } from '../../lib/session.ts';
import { NotForYourRole } from '../ig/not-for-your-role.tsx';
import { ComparePage } from './compare-page.tsx';
import { QueuePage } from './queue-page.tsx';
import '../ig/ig.css';
import './matching.css';

export function MatchingPage({ path }: { path: string }) {
  const session = currentSession();
  if (!session || !reviewsMatches(session.user)) return <NotForYourRole what="Matching review" />;
  const pair = matchPath('/matching/:id', path);
  if (pair) return <ComparePage key={pair.id} id={pair.id} />;
  return <QueuePage />;
}
