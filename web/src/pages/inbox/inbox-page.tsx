// The team inbox (/inbox): the notices sharedcare raised for the user's organisation and its teams —
// hospital admissions and discharges, Care Act notices, CP-IS access notifications — open or
// completed, newest first, each with acknowledge and complete.
import { useEffect, useRef, useState } from 'react';
import './inbox.css';
import { Loading, Problem } from '../../components/problem.tsx';
import { caresForPeople } from '../../lib/roles.ts';
import { followLink, queryParam } from '../../lib/router.ts';
import { currentSession } from '../../lib/session.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { TaskCard } from './task-card.tsx';
import { firstPage, hasMore, readPages, rowsOf, teamOf, type Inbox, type Team, type TaskFilter } from './team-tasks.ts';
import { SuccessBanner } from '../../components/success-banner.tsx';

export function InboxPage(_props: { path: string }) {
  const user = currentSession()!.user;
  if (!caresForPeople(user) || !user.orgCode) {
    return (
      <>
        <h1>Team inbox</h1>
        <p>The team inbox is for staff who care for people: it holds the notices sent to their team.</p>
      </>
    );
  }
  return <TeamInbox orgCode={user.orgCode} userName={user.name} />;
}

function TeamInbox({ orgCode, userName }: { orgCode: string; userName: string }) {
  const filter: TaskFilter = queryParam('show') === 'completed' ? 'completed' : 'open';
  const [team] = useLoad(() => teamOf(orgCode), [orgCode]);
  return (
    <>
      <h1>Team inbox</h1>
      {team.state === 'loading' && <Loading what="your team" />}
      {team.state === 'failed' && <Problem error={team.error} />}
      {team.state === 'ready' && <TeamTasks team={team.data} filter={filter} signedBy={`${userName}, ${team.data.name}`} />}
    </>
  );
}

function TeamTasks({ team, filter, signedBy }: { team: Team; filter: TaskFilter; signedBy: string }) {
  const [loaded, reload] = useLoad(() => firstPage(team, filter), [team, filter]);
  const [later, setLater] = useState<Inbox>();
  const [moreError, setMoreError] = useState<Error>();
  const [saved, setSaved] = useState<string>();
  const banner = useRef<HTMLDivElement>(null);
  useEffect(() => setLater(undefined), [loaded]);
  useEffect(() => banner.current?.focus(), [saved]);
  const inbox = later ?? (loaded.state === 'ready' ? loaded.data : undefined);

  const showOlder = async () => {
    if (!inbox) return;
    setMoreError(undefined);
    try {
      setLater(await readPages(inbox));
    } catch (err) {
      setMoreError(err as Error);
    }
  };
  const onSaved = (message: string) => {
    setSaved(message);
    reload();
  };

  const rows = inbox ? rowsOf(inbox) : [];
  return (
    <>
      <p className="nhsuk-lede-text">Notices for {team.name} and its teams: hospital admissions and discharges, Care Act notices and CP-IS alerts.</p>
      {saved && <SuccessBanner id="saved-title" message={saved} ref={banner} />}
      <nav className="sc-filter" aria-label="Which tasks">
        <ul className="nhsuk-list sc-filter__list">
          <FilterLink to="open" current={filter} label="Open tasks" />
          <FilterLink to="completed" current={filter} label="Completed tasks" />
        </ul>
      </nav>
      {loaded.state === 'loading' && !inbox && <Loading what="the team's tasks" />}
      {loaded.state === 'failed' && <Problem error={loaded.error} />}
      {inbox && rows.length === 0 && (
        <p className="nhsuk-body">{filter === 'open' ? 'There are no open tasks for your team.' : 'There are no completed tasks yet.'}</p>
      )}
      {rows.length > 0 && (
        <ul className="nhsuk-list sc-task-list" aria-label={filter === 'open' ? 'Open tasks' : 'Completed tasks'}>
          {rows.map((row) => <TaskCard key={`${row.task.id}/${row.task.meta?.versionId}`} row={row} signedBy={signedBy} onSaved={onSaved} onReload={() => { setSaved(undefined); reload(); }} />)}
        </ul>
      )}
      {moreError && <Problem error={moreError} />}
      {inbox && hasMore(inbox) && (
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => void showOlder()}>Show older tasks</button>
      )}
    </>
  );
}

function FilterLink({ to, current, label }: { to: TaskFilter; current: TaskFilter; label: string }) {
  const href = to === 'open' ? '/inbox' : '/inbox?show=completed';
  return (
    <li className="sc-filter__item">
      {to === current
        ? <a className="sc-filter__link sc-filter__link--current" href={href} aria-current="page" onClick={followLink}>{label}</a>
        : <a className="sc-filter__link" href={href} onClick={followLink}>{label}</a>}
    </li>
  );
}
