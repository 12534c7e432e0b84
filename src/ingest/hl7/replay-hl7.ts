// Re-processes one quarantined HL7 message as if it had just arrived, under the source it was
// quarantined for: applied → the acknowledged-message log now holds AA for it (a re-send gets AA);
// still refused → the reasons, for the quarantine to keep.
import type { IngestContext } from '../ingest-context.ts';
import type { Replayer } from '../quarantine.ts';
import { Hl7Ingestor, UNKNOWN_SOURCE } from './hl7-ingestor.ts';

/** The HL7 channel's Replayer. See: ../replay.ts */
export const replayHl7: Replayer = async (item, ctx: IngestContext) => {
  const ingestor = new Hl7Ingestor(ctx, {
    replay: true,
    origin: `replay of quarantine item ${item.id}`,
    ...(item.source !== UNKNOWN_SOURCE ? { source: item.source } : {}),
  });
  const result = await ingestor.handle(item.raw);
  await ingestor.finish();
  return result.code === 'AA' ? undefined : result.reasons;
};
