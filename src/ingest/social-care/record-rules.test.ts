// Cross-field rules a row must meet before it is mapped: broken ones are quarantined with the field at fault.
import { describe, expect, it } from 'vitest';
import { recordProblems } from './record-rules.ts';
import type { SocialCareRecord } from './records.ts';

const allocation = (extra: Record<string, string>): SocialCareRecord => ({
  recordType: 'allocation', allocationId: 'A1', personId: 'P1', teamId: 'T1', teamName: 'Adults East', workerId: 'W1',
  workerRole: 'allocated-worker', workerFamilyName: 'Okafor', startDate: '2024-01-01', ...extra,
}) as unknown as SocialCareRecord;

describe('recordProblems', () => {
  it('accepts a manager who is another member of staff, or the worker named the same way', () => {
    expect(recordProblems(allocation({ managerId: 'W2', managerFamilyName: 'Reyes' }))).toEqual([]);
    expect(recordProblems(allocation({ managerId: 'W1', managerFamilyName: 'Okafor' }))).toEqual([]);
  });

  it('refuses one staff id named two ways, and a manager without a name', () => {
    expect(recordProblems(allocation({ managerId: 'W1', managerFamilyName: 'Reyes' }))).toEqual([expect.objectContaining({ field: 'managerId' })]);
    expect(recordProblems(allocation({ managerId: 'W2' }))).toEqual([expect.objectContaining({ field: 'managerFamilyName' })]);
  });
});
