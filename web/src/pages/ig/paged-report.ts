// A row report read a page at a time, newest first, with the names its rows need: the first page
// on load, older ones on "Show older", all of it again after a change (a review).
import { useState } from 'react';
import { useLoad } from '../../lib/use-fhir.ts';
import { auditRows, type AuditRow } from './audit-report.ts';
import { type Names, namesFor } from './directory-names.ts';

export const PAGE_SIZE = 25;

interface NamedPage {
  rows: AuditRow[];
  next?: string;
  names: Names;
}

export interface PagedReport {
  state: 'loading' | 'failed' | 'ready';
  error?: Error;
  rows: AuditRow[];
  names: Names;
  hasOlder: boolean;
  loadingOlder: boolean;
  olderError?: Error;
  showOlder(): void;
  reload(): void;
}

type RowReport = Parameters<typeof auditRows>[0];

async function loadPage(report: RowReport, query: Array<[string, string]>, people: boolean, cursor?: string, known?: Names): Promise<NamedPage> {
  const page = await auditRows(report, [...query, ['_count', String(PAGE_SIZE)], ...(cursor ? [['cursor', cursor] as [string, string]] : [])]);
  const names = await namesFor(page.rows.map((r) => ({ ...(r.organization ? { organization: r.organization } : {}), ...(people ? { patients: r.patients } : {}) })), known);
  return { ...page, names };
}

/** `people`: look up whose records the rows are about (not needed when the page is about one person). */
export function usePagedReport(report: RowReport, query: Array<[string, string]>, people: boolean): PagedReport {
  const key = `${report}?${new URLSearchParams(query)}`;
  const [older, setOlder] = useState<{ key: string; pages: NamedPage[] }>({ key, pages: [] });
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<Error>();
  const [first, reloadFirst] = useLoad(() => loadPage(report, query, people), [key, people]);
  const olderPages = older.key === key ? older.pages : [];

  if (first.state !== 'ready') {
    return { state: first.state, ...(first.state === 'failed' ? { error: first.error } : {}), rows: [], names: { organisations: new Map(), people: new Map() },
      hasOlder: false, loadingOlder: false, showOlder: () => undefined, reload: reloadFirst };
  }
  const pages = [first.data, ...olderPages];
  const last = pages[pages.length - 1]!;

  async function showOlder() {
    setLoadingOlder(true);
    setOlderError(undefined);
    try {
      const page = await loadPage(report, query, people, last.next, last.names);
      setOlder({ key, pages: [...olderPages, page] });
    } catch (error) {
      setOlderError(error as Error);
    } finally {
      setLoadingOlder(false);
    }
  }

  return {
    state: 'ready',
    rows: pages.flatMap((p) => p.rows),
    names: last.names,
    hasOlder: last.next !== undefined,
    loadingOlder,
    ...(olderError ? { olderError } : {}),
    showOlder: () => void showOlder(),
    reload: () => {
      setOlder({ key, pages: [] });
      reloadFirst();
    },
  };
}
