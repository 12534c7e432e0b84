// `sharedcare link`: re-links every source Patient in one batch (after a back-load, or with --train
// after the population has grown), on the same database the server uses. Arrivals are matched as
// they are imported; this is for everything at once.
import { parseArgs } from 'node:util';
import { batchLink, type BatchLinkReport } from '../identity/batch-link.ts';
import { withCliPlatform } from './cli-platform.ts';

export const LINK_HELP = `sharedcare link [--train] [--json]

  Matches every source Patient in one batch: refreshes what matching knows of each record,
  de-duplicates the whole population (NHS number first, then probabilistic matching), keeps
  reviewers' decisions, writes the links that changed and queues pairs for review.

  --train        re-estimate the matching model from the current records first (done
                 automatically the first time)
  --json         print the report as JSON
  --data DIR     data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

function describe(report: BatchLinkReport): string {
  const t = report.timingsMs;
  return [
    `${report.records} records → ${report.persons} persons`,
    `${report.changed} links written · ${report.reviewsQueued} pairs for review · ${report.pairsCompared} pairs compared`,
    `model v${report.modelVersion}${report.trained ? ' (trained now)' : ''}`,
    `time: ${Object.entries(t).map(([k, v]) => `${k} ${v} ms`).join(', ')}`,
  ].join('\n');
}

export async function runLinkCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { train: { type: 'boolean' }, json: { type: 'boolean' }, data: { type: 'string' } } });
  return withCliPlatform(values.data, async (platform) => {
    const report = await batchLink(platform.repo, { train: values.train === true });
    process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : describe(report)}\n`);
    return 0;
  });
}
