import { existsSync } from 'node:fs';
import path from 'node:path';
import { withReferenceNotes } from './reference-overlay';
import { loadBrevoSpec, SpecValidator } from './spec-validator';

const specsDir = process.env.PIPEBRIDGE_SPECS_DIR ?? path.resolve(import.meta.dirname, '../../../../shared/specs');
let shared: SpecValidator | null | undefined;

/** The spec validator, or null when the spec folder is absent (tests then skip contract checks). */
export function brevoSpecValidator(): SpecValidator | null {
  if (shared === undefined) {
    shared = existsSync(path.join(specsDir, 'brevo-openapi-v3.yml')) ? new SpecValidator(withReferenceNotes(loadBrevoSpec(specsDir))) : null;
    if (!shared) console.warn(`Brevo contract checks are off in this run: no brevo-openapi-v3.yml in ${specsDir} (set PIPEBRIDGE_SPECS_DIR).`);
  }
  return shared;
}

// Load at import time, outside any test's timeout.
brevoSpecValidator();

/**
 * A fetch for tests that refuses to send a request the spec does not allow and fails on an answer that
 * breaks it, so every client test is also a contract test. Calls outside `apiBase` pass through.
 */
export function contractFetch(apiBase: string, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const validator = brevoSpecValidator();
    if (!validator || !url.startsWith(apiBase)) return inner(input, init);
    const method = (init?.method ?? 'GET').toUpperCase();
    const rel = url.slice(apiBase.length);
    const requestContentType = new Headers(init?.headers).get('content-type') ?? undefined;
    const exchange = { method, url: rel, requestBody: typeof init?.body === 'string' ? init.body : undefined, requestContentType, status: 0, responseBody: '' };
    const sent = validator.checkRequest(exchange);
    if (sent.length > 0) throw new Error(`the client's request breaks the Brevo contract: ${sent.join('; ')}`);
    const res = await inner(input, init);
    const text = await res.clone().text();
    const answered = validator.checkResponse({ ...exchange, status: res.status, responseBody: text, responseContentType: res.headers.get('content-type') ?? undefined });
    if (answered.length > 0) throw new Error(`the sandbox's answer breaks the Brevo contract: ${answered.join('; ')}`);
    return res;
  };
}
