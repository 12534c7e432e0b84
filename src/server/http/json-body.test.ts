import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { assertJsonDepth, parseJsonBody } from './json-body.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as FhirError).code;
  }
  return undefined;
}

describe('JSON request bodies', () => {
  it('parses ordinary FHIR JSON', () => {
    expect(parseJsonBody('{"resourceType":"Patient","name":[{"family":"Ng"}]}', 64)).toEqual({ resourceType: 'Patient', name: [{ family: 'Ng' }] });
  });

  it('counts depth outside strings only', () => {
    expect(() => assertJsonDepth('{"a":"[[[[[[[[[[{{{{{{{{\\"]]]"}', 2)).not.toThrow();
    expect(codeOf(() => assertJsonDepth('[[[[]]]]', 3))).toBe('HTTP_JSON_DEPTH');
    expect(() => assertJsonDepth('[[[]]]', 3)).not.toThrow();
  });

  it('refuses deep nesting before parsing (a million brackets would overflow JSON.parse)', () => {
    expect(codeOf(() => parseJsonBody('['.repeat(1_000_000), 64))).toBe('HTTP_JSON_DEPTH');
  });

  it.each(['{"__proto__":{"admin":true}}', '{"a":{"constructor":{"prototype":{}}}}', '{"prototype" : 1}'])('refuses prototype keys in %s', (text) => {
    expect(codeOf(() => parseJsonBody(text, 64))).toBe('HTTP_JSON_FORBIDDEN_KEY');
  });

  it('allows those words as values', () => {
    expect(parseJsonBody('{"text":"\\"constructor\\": is fine in a string"}', 64)).toEqual({ text: '"constructor": is fine in a string' });
  });

  it('reports malformed JSON with a position and no input echoed', () => {
    try {
      parseJsonBody('{"resourceType": "Patient", secret}', 64);
      expect.unreachable();
    } catch (err) {
      expect((err as FhirError).code).toBe('HTTP_JSON_MALFORMED');
      expect((err as FhirError).message).not.toContain('secret');
    }
  });
});
