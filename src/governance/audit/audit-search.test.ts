import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { auditFilter, MAX_AUDIT_COUNT, parseAuditSearch } from './audit-search.ts';

describe('AuditEvent search parameters', () => {
  it('normalises patients, tokens and outcome words', () => {
    const search = parseAuditSearch([
      ['patient', 'p1,Patient/p2'], ['patient', 'http://x/fhir/Patient/p3'], ['outcome', 'denied,http://terminology.hl7.org/CodeSystem/audit-event-outcome|8'],
      ['subtype', '$everything'], ['purpose', 'http://terminology.hl7.org/CodeSystem/v3-ActReason|BTG'], ['_count', '5'], ['_total', 'accurate'],
    ]);
    expect(search.patient).toEqual([['Patient/p1', 'Patient/p2'], ['Patient/p3']]);
    expect(search.outcome).toEqual([['4', '8']]);
    expect(search.subtype).toEqual([['everything']]);
    expect(search.purpose).toEqual([['BTG']]);
    expect(search.count).toBe(5);
    expect(search.total).toBe(true);
  });

  it('dates carry their precision: eq2026-03-02 is the whole day', () => {
    const [bound] = parseAuditSearch([['date', 'eq2026-03-02']]).date!;
    expect(bound).toEqual({ prefix: 'eq', low: Date.UTC(2026, 2, 2), high: Date.UTC(2026, 2, 3) });
    expect(parseAuditSearch([['date', '2026-03']]).date![0]!.prefix).toBe('eq');
  });

  it('caps _count and refuses unknown or malformed parameters', () => {
    expect(parseAuditSearch([['_count', '999999']]).count).toBe(MAX_AUDIT_COUNT);
    for (const pair of [['family', 'smith'], ['date', 'yesterday'], ['_cursor', "1' OR 1=1"], ['_sort', 'agent'], ['_count', '-1']] as Array<[string, string]>) {
      expect(() => parseAuditSearch([pair])).toThrow(FhirError);
    }
  });

  it('puts every value in a parameter, and the citizen restriction first', () => {
    const filter = auditFilter({ restrictToPatients: ['Patient/p1'], agent: [["x' OR 1=1"]] });
    expect(filter.clauses[0]).toBe('patients && $1::text[]');
    expect(filter.clauses.join(' ')).not.toContain('OR 1=1');
    expect(filter.params).toContainEqual(["x' OR 1=1"]);
  });
});
