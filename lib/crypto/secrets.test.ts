import { describe, expect, it } from 'vitest';
import { decryptWith, encryptWith, generateKeySpec, needsRotation, parseKeyRing } from './secrets';

describe('secret encryption', () => {
  const ring = parseKeyRing(generateKeySpec('a'));

  it('round-trips and never contains the plaintext', () => {
    const c = encryptWith(ring, 'pd-refresh-token-123');
    expect(c).not.toContain('pd-refresh-token-123');
    expect(c.startsWith('v1:a:')).toBe(true);
    expect(decryptWith(ring, c)).toBe('pd-refresh-token-123');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptWith(ring, 'x')).not.toBe(encryptWith(ring, 'x'));
  });

  it('detects tampering', () => {
    const c = encryptWith(ring, 'secret');
    const parts = c.split(':');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0] = (data[0] ?? 0) ^ 1;
    parts[4] = data.toString('base64url');
    expect(() => decryptWith(ring, parts.join(':'))).toThrow();
  });

  it('rotates: old ciphertexts decrypt after a new key is put first', () => {
    const old = encryptWith(ring, 'kept');
    const rotated = parseKeyRing(`${generateKeySpec('b')},${generateKeySpec('a').replace(/^a:.*/, `a:${ring.keys.get('a')!.toString('base64')}`)}`);
    expect(decryptWith(rotated, old)).toBe('kept');
    expect(needsRotation(rotated, old)).toBe(true);
    expect(encryptWith(rotated, 'new').split(':')[1]).toBe('b');
  });

  it('names a missing key', () => {
    const other = parseKeyRing(generateKeySpec('z'));
    expect(() => decryptWith(other, encryptWith(ring, 'x'))).toThrow(/key a/);
  });

  it('rejects keys of the wrong size', () => {
    expect(() => parseKeyRing(`k:${Buffer.alloc(16).toString('base64')}`)).toThrow(/32 bytes/);
  });
});
