import 'server-only';

/**
 * Brevo allows only 100 requests an hour for everything that is not contacts or events
 * (attributes, lists, folders, account: its "other" family, General tier), shared with the sync.
 * Settings pages read the same attributes and lists on every visit and preview, so they keep
 * them for a minute per company; the editor's own creations invalidate the entry at once.
 */
const TTL_MS = 60_000;
const entries = new Map<string, { at: number; value: Promise<unknown> }>();

export function cachedBrevoRead<T>(companyId: string, what: 'attributes' | 'companyAttributes' | 'lists' | 'folders', read: () => Promise<T>, now = Date.now()): Promise<T> {
  const key = `${companyId}:${what}`;
  const hit = entries.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.value as Promise<T>;
  const value = read();
  entries.set(key, { at: now, value });
  // A failed read is not kept: the next visit asks Brevo again.
  value.catch(() => entries.delete(key));
  return value;
}

export function invalidateBrevoCatalog(companyId: string): void {
  for (const key of [...entries.keys()]) if (key.startsWith(`${companyId}:`)) entries.delete(key);
}
