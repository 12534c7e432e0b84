// `sharedcare trace`: traces identity records against PDS (NHS England's, or the local stand-in),
// prints what it found, and with --readiness the CP-IS readiness figure.
import { parseArgs } from 'node:util';
import { cpisReadiness, CPIS_TARGET, type CpisReadiness } from '../identity/pds/cpis-readiness.ts';
import { PdsClient } from '../identity/pds/pds-client.ts';
import { PDS_BASE_PATH } from '../identity/pds/spine-codes.ts';
import { TRACE_OUTCOMES, TRACE_THRESHOLD } from '../identity/pds/trace-decision.ts';
import { traceRecords, type TraceSummary } from '../identity/pds/trace.ts';
import { relinkPatients } from '../identity/linker.ts';
import { formatNhsNumber } from '../fhir/nhs-number.ts';
import { loadConfig } from '../server/config.ts';
import { withCliPlatform } from './cli-platform.ts';

export const TRACE_HELP = `sharedcare trace [--pds URL] [--all] [--limit N] [--readiness] [--data DIR]

  Looks up source records without a verified NHS number on the Personal Demographics Service
  and records each outcome (traced, restricted, multiple, no-match, conflict, error).

  --pds URL      PDS FHIR base (env SHAREDCARE_PDS_URL), e.g. the local stand-in at
                 http://localhost:8080${PDS_BASE_PATH} (start it with: sharedcare serve --pds-standin)
  --all          also re-check records whose NHS number is already verified
  --limit N      trace at most N records
  --threshold X  lowest PDS score that traces a record (default ${TRACE_THRESHOLD})
  --readiness    print the CP-IS readiness figure: in-scope children with a verified NHS number (target ${CPIS_TARGET * 100}%)
  --data DIR     data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

const NO_PDS = `No PDS to trace against. Start the local stand-in with
  npx sharedcare serve --pds-standin
then run
  npx sharedcare trace --pds http://localhost:8080${PDS_BASE_PATH}
(or set SHAREDCARE_PDS_URL, or "pdsBaseUrl" in sharedcare.config.json).`;

const out = (text: string) => process.stdout.write(`${text}\n`);
const fail = (text: string): number => {
  process.stderr.write(`${text}\n`);
  return 2;
};

function summaryLine(baseUrl: string, summary: TraceSummary): string {
  const counts = TRACE_OUTCOMES.map((o) => `${o} ${summary.counts[o]}`).join(' · ');
  return `Traced ${summary.total} record${summary.total === 1 ? '' : 's'} against ${baseUrl}: ${counts}`;
}

function readinessLine(r: CpisReadiness): string {
  if (r.share === null) return `CP-IS readiness: no children in scope (none on a child protection plan or looked after within 12 months of ${r.asOf})`;
  const percent = (r.share * 100).toFixed(1);
  return `CP-IS readiness: ${percent}% of ${r.inScope} children in scope have a verified NHS number (${r.verified}) — ` +
    (r.meetsTarget ? `meets the ${CPIS_TARGET * 100}% target` : `below the ${CPIS_TARGET * 100}% target`);
}

export async function runTraceCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      pds: { type: 'string' },
      all: { type: 'boolean' },
      limit: { type: 'string' },
      threshold: { type: 'string' },
      readiness: { type: 'boolean' },
      data: { type: 'string' },
    },
  });
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) return fail('--limit must be a whole number above 0');
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) return fail('--threshold must be a number above 0 and at most 1');
  const baseUrl = values.pds ?? loadConfig(values.data ? { dataDir: values.data } : {}).pdsBaseUrl;
  if (baseUrl !== undefined && !/^https?:\/\/\S+$/.test(baseUrl)) return fail('--pds must be an http(s) URL');
  if (!baseUrl && !values.readiness) return fail(NO_PDS);
  return withCliPlatform(values.data, async (platform) => {
    let code = 0;
    if (baseUrl) {
      const client = new PdsClient({ baseUrl });
      const conflicts: string[] = [];
      const summary = await traceRecords(platform.driver, client, {
        all: values.all ?? false, ...(limit ? { limit } : {}), ...(threshold ? { threshold } : {}),
        onTraced: (patientId, result) => {
          if (result.outcome !== 'conflict') return;
          const { heldNumber, heldNumberStatus } = result.detail as { heldNumber?: string; heldNumberStatus?: string };
          conflicts.push(`  Patient/${patientId} holds ${formatNhsNumber(heldNumber ?? '?')} as verified${heldNumberStatus ? ` (${heldNumberStatus} on PDS)` : ''}; PDS traces it to ${formatNhsNumber(result.nhsNumber ?? '?')}`);
        },
      });
      out(summaryLine(client.baseUrl, summary));
      // A verified number is never replaced by a different one: a person checks these at source.
      if (conflicts.length > 0) out(`Verified NHS numbers PDS disagrees with, left unchanged for review:\n${conflicts.join('\n')}`);
      // Matching reads these records again: a traced number counts as verified there.
      if (summary.changed.length > 0) {
        const outcomes = await relinkPatients(platform.repo, summary.changed);
        const linked = outcomes.filter((o) => o.outcome === 'linked').length;
        out(`NHS number changed for ${summary.changed.length} record${summary.changed.length === 1 ? '' : 's'}: matched again, ${linked} now linked by it`);
      }
      if (summary.aborted) process.stderr.write(`${summary.aborted}\n`);
      if (summary.aborted || summary.counts.error > 0) code = 1;
    } else {
      process.stderr.write(`Not tracing: ${NO_PDS}\n`);
    }
    if (values.readiness) out(readinessLine(await cpisReadiness(platform.driver)));
    return code;
  });
}
