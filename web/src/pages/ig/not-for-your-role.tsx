// What someone sees on a page their role does not have (typed or bookmarked): a plain statement,
// with nothing of the page's data fetched or shown. The server refuses the data as well.
import { followLink } from '../../lib/router.ts';

export function NotForYourRole({ what }: { what: string }) {
  return (
    <>
      <h1>{what} is not available to your role</h1>
      <p>This part of sharedcare is for people whose job includes this work. If you think you need it, ask your information governance lead.</p>
      <p><a href="/" onClick={followLink}>Go to your home page</a></p>
    </>
  );
}
