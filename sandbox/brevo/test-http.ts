/** Small raw-HTTP helper for the sandbox's own tests (they pin Brevo's wire behaviour without the client). */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export function brevoHttp(baseUrl: string, apiKey: string) {
  return async (method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<RawResponse> => {
    const res = await fetch(`${baseUrl}/v3${path}`, {
      method,
      headers: { 'api-key': apiKey, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...extraHeaders },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}
