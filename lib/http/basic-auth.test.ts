import { describe, expect, it } from 'vitest';
import { basicAuthMatches, parseBasicAuth, safeEqual } from './basic-auth';

const header = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('basic auth', () => {
  it('accepts the right pair only', () => {
    expect(basicAuthMatches(header('id', 's:e:c'), 'id', 's:e:c')).toBe(true);
    expect(basicAuthMatches(header('id', 'wrong'), 'id', 's:e:c')).toBe(false);
    expect(basicAuthMatches(header('other', 's:e:c'), 'id', 's:e:c')).toBe(false);
    expect(basicAuthMatches(null, 'id', 's')).toBe(false);
    expect(basicAuthMatches('Bearer x', 'id', 's')).toBe(false);
  });
  it('does not accept empty credentials for empty expectations by accident', () => {
    expect(basicAuthMatches(null, '', '')).toBe(false);
  });
  it('parses passwords containing colons', () => {
    expect(parseBasicAuth(header('a', 'b:c'))).toEqual({ user: 'a', password: 'b:c' });
  });
  it('compares strings of different lengths safely', () => {
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('abc', 'abc')).toBe(true);
  });
});
