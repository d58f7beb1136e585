import type { Exchange } from './spec-validator';

/** Wraps fetch to keep every request to `${apiBase}` and its answer, for contract checks. */
export function recordingFetch(apiBase: string, inner: typeof fetch = fetch): { fetch: typeof fetch; exchanges: Exchange[]; tag: { current: string } } {
  const exchanges: Exchange[] = [];
  const tag = { current: 'client' };
  const wrapped: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const res = await inner(input, init);
    if (!url.startsWith(apiBase)) return res;
    const headers = new Headers(init?.headers);
    const text = await res.clone().text();
    exchanges.push({
      method: (init?.method ?? 'GET').toUpperCase(),
      url: url.slice(apiBase.length),
      requestBody: typeof init?.body === 'string' ? init.body : undefined,
      requestContentType: headers.get('content-type') ?? undefined,
      status: res.status,
      responseBody: text,
      responseContentType: res.headers.get('content-type') ?? undefined,
      tag: tag.current,
    });
    return res;
  };
  return { fetch: wrapped, exchanges, tag };
}
