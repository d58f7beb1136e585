import { timingSafeEqual, createHash } from 'node:crypto';

/** Parses `Authorization: Basic …`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | null): { user: string; password: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  let decoded: string;
  try {
    decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/**
 * Compares secrets in constant time. Both sides are hashed first so that their lengths do not
 * leak through timing either.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export function basicAuthMatches(header: string | null, user: string, password: string): boolean {
  const got = parseBasicAuth(header);
  // Compare both parts even when the first differs, so the time does not say which one failed.
  const userOk = safeEqual(got?.user ?? '', user);
  const passOk = safeEqual(got?.password ?? '', password);
  return Boolean(got) && userOk && passOk;
}
