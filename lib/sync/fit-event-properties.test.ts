import { describe, expect, it } from 'vitest';
import { fitEventProperties, toEventPropertyKey } from './fit-event-properties';

describe('fitEventProperties', () => {
  it('leaves small properties alone', () => {
    expect(fitEventProperties({ a: 1, b: 'two', c: true, d: null })).toEqual({
      properties: { a: 1, b: 'two', c: true, d: null },
      truncated: [],
    });
  });

  it('cleans keys Brevo would refuse', () => {
    expect(fitEventProperties({ 'deal title': 'x', 'né': 1 }).properties).toEqual({ deal_title: 'x', n_: 1 });
    expect(toEventPropertyKey('k'.repeat(300))).toHaveLength(255);
  });

  it('caps each string and marks it', () => {
    const result = fitEventProperties({ note: 'abcdef' }, { maxStringLength: 4 });
    expect(result).toEqual({ properties: { note: 'abc…' }, truncated: ['note'] });
  });

  it('keeps the total under the byte limit by shortening the longest strings, even with multi-byte text', () => {
    const result = fitEventProperties({ a: 'é'.repeat(900), b: 'short', c: 'y'.repeat(600) }, { maxBytes: 1_000, maxStringLength: 10_000 });
    expect(Buffer.byteLength(JSON.stringify(result.properties))).toBeLessThanOrEqual(1_000);
    expect(result.properties.b).toBe('short');
    expect(result.truncated).toContain('a');
    expect(result.properties.a as string).not.toMatch(/\uFFFD/);
  });

  it('drops non-string properties when nothing else can shrink', () => {
    const result = fitEventProperties({ list: Array.from({ length: 200 }, (_, i) => i) }, { maxBytes: 100 });
    expect(result.properties).toEqual({});
    expect(result.truncated).toEqual(['list']);
  });
});
