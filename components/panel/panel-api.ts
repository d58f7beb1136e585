import type { PanelApiError } from '@/lib/panel/panel-api-schemas';

/** An answer of the panel API that was not a success, with the server's message for people. */
export class PanelRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PanelRequestError';
  }
  get isAuth(): boolean {
    return this.status === 401;
  }
}

/**
 * Calls the panel API with a fresh Pipedrive-signed token (the iframe has no cookies, and tokens
 * live 5 minutes, so each call asks the SDK for one).
 */
export async function panelFetch<T>(getToken: () => Promise<string>, path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
  let token: string;
  try {
    token = await getToken();
  } catch {
    throw new PanelRequestError(401, 'panel_token_missing', 'Pipedrive did not hand over a signed token. Reload the page in Pipedrive.');
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: 'no-store',
    });
  } catch {
    throw new PanelRequestError(0, 'network', 'Pipebridge could not be reached. Check your connection and try again.');
  }
  const body = (await res.json().catch(() => null)) as (T & Partial<PanelApiError>) | null;
  if (!res.ok || !body) {
    throw new PanelRequestError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `Pipebridge answered ${res.status}. Try again.`);
  }
  return body;
}
