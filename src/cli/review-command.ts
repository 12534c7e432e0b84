// `sharedcare review`: the clerical review queue from a terminal. Lists pairs matching could not
// decide, shows the evidence field by field, and records a reviewer's link or reject with a reason.
import { parseArgs } from 'node:util';
import type { LinkStore } from '../identity/links/link-store.ts';
import { CANDIDATE_STATUSES, type Candidate, type CandidateStatus } from '../identity/links/link-types.ts';
import { actorOf, fixed, out, reasonOf, recordLine, table, usage, withLinkStore } from './link-store-cli.ts';

export const REVIEW_HELP = `sharedcare review list [--status open|linked|rejected|superseded] [--limit N] [--offset N] [--json]
sharedcare review show ID [--json]
sharedcare review link ID --reason "why" [--by NAME]
sharedcare review reject ID --reason "why" [--by NAME]

  Pairs of source records that matching scored between its two thresholds wait here for a
  person to decide. link: the two are the same person (the second record's person merges into
  the first's, and no automatic run will undo it). reject: they are different people (no
  automatic run will link them). A reason is required; --by names the reviewer (default: the
  operating-system user).

  --data DIR     data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

function listTable(candidates: readonly Candidate[]): string {
  return table([
    ['ID', 'WEIGHT', 'PROB', 'LEFT', 'RIGHT', 'REASON'],
    ...candidates.map((c) => [c.id, fixed(c.weight), fixed(c.probability, 3), `${c.left.patientId}: ${recordLine(c.left.record)}`,
      `${c.right.patientId}: ${recordLine(c.right.record)}`, c.score.reason]),
  ]);
}

function showCandidate(c: Candidate): void {
  out(`candidate ${c.id} · ${c.status} · weight ${fixed(c.weight)} · probability ${fixed(c.probability, 4)} · ${c.score.grade}${c.score.rule ? ` · rule ${c.score.rule}` : ''}`);
  out(c.score.reason);
  out('');
  out(table([
    ['', 'LEFT', 'RIGHT'],
    ['record', `Patient/${c.left.patientId}`, `Patient/${c.right.patientId}`],
    ['person', c.left.personId ? `Person/${c.left.personId}` : '-', c.right.personId ? `Person/${c.right.personId}` : '-'],
    ['details', recordLine(c.left.record), recordLine(c.right.record)],
  ]));
  out('');
  out(table([
    ['FIELD', 'LEVEL', 'WEIGHT', 'LEFT', 'RIGHT'],
    ...c.score.fields.map((f) => [f.field, f.level, `${f.weight >= 0 ? '+' : ''}${fixed(f.weight)}${f.tfAdjustment ? ` (tf ${fixed(f.tfAdjustment)})` : ''}`,
      f.left ?? '-', f.right ?? '-']),
  ]));
  if (c.decidedAt) out(`\n${c.status} ${c.decidedAt}${c.decidedBy ? ` by ${c.decidedBy}` : ''}${c.decisionReason ? `: ${c.decisionReason}` : ''}`);
}

async function run(links: LinkStore, action: string, id: string | undefined, values: Record<string, string | boolean | undefined>): Promise<number> {
  if (action === 'list') {
    const status = (values.status as CandidateStatus | undefined) ?? 'open';
    const candidates = await links.listCandidates({ status, limit: Number(values.limit ?? 50), offset: Number(values.offset ?? 0) });
    if (values.json) out(JSON.stringify(candidates, null, 2));
    else {
      if (candidates.length > 0) out(listTable(candidates));
      process.stderr.write(`${candidates.length} of ${await links.countCandidates(status)} ${status} candidate(s)\n`);
    }
    return 0;
  }
  const candidate = await links.getCandidate(id!);
  if (!candidate) return usage(`No review candidate ${id}`);
  if (action === 'show') {
    if (values.json) out(JSON.stringify(candidate, null, 2));
    else showCandidate(candidate);
    return 0;
  }
  const reason = reasonOf(values.reason);
  if (!reason) return usage(`A reason is required: sharedcare review ${action} ${id} --reason "why"`);
  const result = await links.decide(id!, action === 'link' ? 'link' : 'reject', actorOf(values.by as string | undefined), reason);
  out(`candidate ${id} ${result.candidate.status}${action === 'link' && result.personId ? ` · both records now in Person/${result.personId}` : ''}`);
  return 0;
}

/** Runs `sharedcare review <list|show|link|reject> …`; `args` are what follows `review`. */
export async function runReviewCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      status: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, reason: { type: 'string' },
      by: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' },
    },
  });
  const [action, id, ...extra] = positionals;
  if (!action || !['list', 'show', 'link', 'reject'].includes(action) || extra.length > 0) return usage(REVIEW_HELP);
  if (action !== 'list' && (!id || !/^\d{1,18}$/.test(id))) return usage(`Name one candidate by its number: sharedcare review ${action} ID`);
  if (action === 'list' && id) return usage(REVIEW_HELP);
  if (values.status !== undefined && !CANDIDATE_STATUSES.includes(values.status as CandidateStatus)) {
    return usage(`--status must be one of ${CANDIDATE_STATUSES.join(', ')}`);
  }
  for (const name of ['limit', 'offset'] as const) {
    if (values[name] !== undefined && !/^\d{1,6}$/.test(values[name])) return usage(`--${name} must be a non-negative number`);
  }
  if ((action === 'link' || action === 'reject') && !reasonOf(values.reason)) {
    return usage(`A reason is required: sharedcare review ${action} ${id} --reason "why"`);
  }
  return withLinkStore(values.data, (links) => run(links, action, id, values));
}
