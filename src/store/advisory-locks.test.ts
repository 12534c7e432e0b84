// A transaction asks the database only for resource locks it does not hold yet, and each
// transaction starts with none (its Queryable is its own).
import { describe, expect, it } from 'vitest';
import { keysNotHeld, lockResourceKeys, markHeld, resourceLockKeys } from './advisory-locks.ts';
import type { Queryable } from './driver.ts';

function recordingTx(): Queryable & { sent: unknown[][] } {
  const sent: unknown[][] = [];
  return {
    sent,
    query: async <R>(_sql: string, params?: readonly unknown[]) => {
      sent.push([...(params?.[0] as unknown[])]);
      return { rows: [] as R[] };
    },
    exec: async () => undefined,
  };
}

describe('advisory locks on resources', () => {
  it('sorts and de-duplicates the keys, so every writer takes them in one order', () => {
    const keys = resourceLockKeys(['Patient/b', 'Patient/a', 'Patient/b']);
    expect(keys).toHaveLength(2);
    expect([...keys].sort()).toEqual(keys);
  });

  it('takes only the locks the transaction does not already hold', async () => {
    const tx = recordingTx();
    markHeld(tx, resourceLockKeys(['Patient/a']));
    await lockResourceKeys(tx, ['Patient/a', 'Encounter/v']);
    expect(tx.sent).toEqual([resourceLockKeys(['Encounter/v'])]);
    await lockResourceKeys(tx, ['Encounter/v', 'Patient/a']);
    expect(tx.sent).toHaveLength(1);
  });

  it('remembers nothing across transactions', async () => {
    const first = recordingTx();
    await lockResourceKeys(first, ['Patient/a']);
    const second = recordingTx();
    expect(keysNotHeld(second, resourceLockKeys(['Patient/a']))).toEqual(resourceLockKeys(['Patient/a']));
    await lockResourceKeys(second, ['Patient/a']);
    expect(second.sent).toHaveLength(1);
  });

  it('never remembers locks taken through a driver outside a transaction (they end with the statement)', async () => {
    const driver = Object.assign(recordingTx(), { transaction: async () => undefined });
    await lockResourceKeys(driver, ['Patient/a']);
    await lockResourceKeys(driver, ['Patient/a']);
    expect(driver.sent).toHaveLength(2);
  });
});
