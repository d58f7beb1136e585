import { brevoSpecValidator } from './contract/contract-fetch';

/** Small raw-HTTP helper for the sandbox's own tests (they pin Brevo's wire behaviour without the client). */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/**
 * Every answer these tests receive is also checked against Brevo's spec (when the spec folder is present),
 * so each sandbox test doubles as a contract test of the sandbox's responses.
 */
export function brevoHttp(baseUrl: string, apiKey: string) {
  return async (method: string, apiPath: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<RawResponse> => {
    const res = await fetch(`${baseUrl}/v3${apiPath}`, {
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
    const problems = brevoSpecValidator()?.checkResponse({ method, url: apiPath, status: res.status, responseBody: text, responseContentType: res.headers.get('content-type') ?? undefined }) ?? [];
    if (problems.length > 0) throw new Error(`the sandbox's answer breaks the Brevo contract: ${problems.join('; ')}`);
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}
