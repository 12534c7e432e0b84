// Batches run side by side only when they hold different records; a failure surfaces on the next push or drain.
import { describe, expect, it } from 'vitest';
import { BatchPipeline } from './batch-pipeline.ts';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { open, opened };
}

describe('BatchPipeline', () => {
  it('runs up to `depth` batches at once, but a batch sharing a record id waits for the one holding it', async () => {
    const events: string[] = [];
    const gates = new Map([['a', gate()], ['b', gate()], ['c', gate()]]);
    const pipeline = new BatchPipeline<string>(2, async (name) => {
      events.push(`start ${name}`);
      await gates.get(name)!.opened;
      events.push(`end ${name}`);
    });
    await pipeline.push('a', new Set(['1', '2']));
    await pipeline.push('b', new Set(['3']));
    expect(events).toEqual(['start a', 'start b']);
    const c = pipeline.push('c', new Set(['2']));
    gates.get('b')!.open();
    await new Promise((r) => setTimeout(r, 5));
    // b finished, so there is room, but c shares record 2 with a: it still waits.
    expect(events).toEqual(['start a', 'start b', 'end b']);
    gates.get('a')!.open();
    await c;
    gates.get('c')!.open();
    await pipeline.drain();
    expect(events).toEqual(['start a', 'start b', 'end b', 'end a', 'start c', 'end c']);
  });

  it('the first failure is thrown by the next push or by drain', async () => {
    const pipeline = new BatchPipeline<number>(2, async (n) => { if (n === 1) throw new Error('batch 1 failed'); });
    await pipeline.push(1, new Set(['x']));
    await new Promise((r) => setTimeout(r, 5));
    await expect(pipeline.push(2, new Set(['y']))).rejects.toThrow('batch 1 failed');
    await expect(pipeline.drain()).rejects.toThrow('batch 1 failed');
  });
});
