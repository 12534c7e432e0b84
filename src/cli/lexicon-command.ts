// `sharedcare lexicon unmapped`: the local codes sources sent that no active ConceptMap translates
// yet, most frequent first, so someone can write the missing maps.
import { parseArgs } from 'node:util';
import { stillUnmapped } from '../ingest/lexicon.ts';
import { withCliPlatform } from './cli-platform.ts';

export const LEXICON_HELP = `sharedcare lexicon unmapped [--source S] [--json] [--data DIR]

  Lists local codes that arrived without an active ConceptMap translating them: source, code
  system, code, how often and when last seen. Load a ConceptMap (PUT /fhir/ConceptMap/…) and
  the code drops off the list; the next import translates it.

  --data DIR     data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

/** Runs `sharedcare lexicon <unmapped>`; `args` are what follows `lexicon`. */
export async function runLexiconCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { source: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' } },
  });
  if (positionals.length !== 1 || positionals[0] !== 'unmapped') {
    process.stderr.write(`${LEXICON_HELP}\n`);
    return 2;
  }
  return withCliPlatform(values.data, async (platform) => {
    const codes = await stillUnmapped(platform.repo, platform.driver, values.source);
    if (values.json) process.stdout.write(`${JSON.stringify(codes, null, 2)}\n`);
    else {
      for (const u of codes) process.stdout.write(`${u.source}\t${u.system}\t${u.code}\t${u.occurrences}\t${u.lastSeen}\n`);
      process.stderr.write(`${codes.length} unmapped code(s)\n`);
    }
    return 0;
  });
}
