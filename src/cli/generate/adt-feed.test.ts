// The generated ADT feeds: deterministic, one feed per trust in event-time order, one admission or
// attendance per hospital encounter of the population, and the promised sprinkle of merges and bad messages.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hl7Message } from '@medplum/core';
import type { Bundle, Encounter } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { readAdtHeader } from '../../ingest/hl7/adt-header.ts';
import { mapAdt } from '../../ingest/hl7/adt-message.ts';
import { splitMessages } from '../../ingest/hl7/hl7-text.ts';
import { adtMessagesFor, writeAdtFeeds } from './adt-feed.ts';
import { generatePopulation } from './generate-population.ts';

const bundles: Bundle[] = [...generatePopulation({ people: 2000, seed: 11 })];
const feeds = adtMessagesFor(bundles);
const all = feeds.flatMap((f) => f.messages.map((text) => ({ source: f.source, message: Hl7Message.parse(text) })));
const eventOf = (m: Hl7Message) => m.getSegment('MSH')!.getField(9).getComponent(2);

function hospitalEncounters(): Encounter[] {
  return bundles.flatMap((b) => (b.entry ?? []).map((e) => e.resource).filter((r): r is Encounter =>
    r?.resourceType === 'Encounter' && (r.meta?.source ?? '').startsWith('urn:sharedcare:source:epr-')));
}

/** Messages the ingestor would refuse (the deliberate bad copies). */
function refused(): Hl7Message[] {
  return all.filter(({ message }) => {
    try {
      mapAdt(message, readAdtHeader(message));
      return false;
    } catch {
      return true;
    }
  }).map(({ message }) => message);
}

describe('adtMessagesFor', () => {
  it('is deterministic', () => {
    const some = [...generatePopulation({ people: 50, seed: 11 })];
    expect(adtMessagesFor(some)).toEqual(adtMessagesFor(some));
  });

  it('writes one feed per trust, each in event-time order, with unique control ids', () => {
    expect(feeds.length).toBeGreaterThan(5);
    for (const feed of feeds) {
      const times = feed.messages.map((t) => Date.parse(Hl7Message.parse(t).getSegment('EVN')!.getField(2).toString()
        .replace(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)\+0000$/, '$1-$2-$3T$4:$5:$6Z')));
      expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
      expect(feed.messages.every((t) => Hl7Message.parse(t).getSegment('MSH')!.getField(4).toString() === feed.source.slice(4).toUpperCase())).toBe(true);
    }
    const ids = all.map(({ message }) => message.getSegment('MSH')!.getField(10).toString());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sends an A04 per emergency attendance and an A01 per admission (plus admissions later cancelled by A11)', () => {
    const encounters = hospitalEncounters();
    const bad = new Set(refused());
    const good = all.filter(({ message }) => !bad.has(message)).map(({ message }) => eventOf(message));
    const count = (event: string) => good.filter((e) => e === event).length;
    expect(count('A04')).toBe(encounters.filter((e) => e.class?.code === 'EMER').length);
    expect(count('A01')).toBe(encounters.filter((e) => e.class?.code === 'IMP').length + count('A11'));
    expect(count('A03')).toBe(encounters.length + count('A13'));
    for (const event of ['A02', 'A08', 'A11', 'A12', 'A13']) expect(count(event), event).toBeGreaterThan(0);
  });

  it('merges one or two people per 1,000 (A40), each from a temporary hospital number', () => {
    const merges = all.filter(({ message }) => eventOf(message) === 'A40').map(({ message }) => message);
    // 2,000 people, about 1,200 with hospital visits: 3 merges.
    expect(merges.length).toBeGreaterThanOrEqual(2);
    expect(merges.length).toBeLessThanOrEqual(4);
    for (const merge of merges) expect(merge.getSegment('MRG')!.getField(1).getComponent(1)).toMatch(/^[A-Z0-9]{3}T\d{7}$/);
  });

  it('includes about 1% bad messages: invalid NHS number, missing hospital number, unparseable date', () => {
    const bad = refused();
    expect(bad.length / all.length).toBeGreaterThan(0.005);
    expect(bad.length / all.length).toBeLessThan(0.02);
    const reasons = new Set(bad.map((message) => {
      try {
        mapAdt(message, readAdtHeader(message));
      } catch (err) {
        return (err as { code: string }).code;
      }
      return 'accepted';
    }));
    expect([...reasons].sort()).toEqual(['INGEST_HL7_DATE', 'INGEST_HL7_NHS_NUMBER', 'INGEST_HL7_REQUIRED']);
  });
});

describe('writeAdtFeeds', () => {
  it('writes hl7/<source>.hl7 files whose messages read back as the feed', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sharedcare-adt-feed-'));
    try {
      const some = [...generatePopulation({ people: 40, seed: 3 })];
      const written = await writeAdtFeeds(some, out);
      const expected = adtMessagesFor(some);
      expect(written).toEqual({ files: expected.length, messages: expected.reduce((n, f) => n + f.messages.length, 0) });
      expect((await readdir(join(out, 'hl7'))).sort()).toEqual(expected.map((f) => `${f.source}.hl7`).sort());
      const first = expected[0]!;
      const read = splitMessages(await readFile(join(out, 'hl7', `${first.source}.hl7`), 'utf8')).map((m) => m.text);
      expect(read).toEqual(first.messages);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
