/** What an API call from a settings form ends in: the answer, or a message for the admin. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string; details?: unknown };

/**
 * fetch for settings forms: the server's `{ error: { code, message } }` becomes the message shown
 * next to the form, and a network failure gets its own message, so every form can say what went
 * wrong without losing what the admin typed.
 */
export async function sendJson<T>(url: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, { method, headers: body === undefined ? undefined : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, code: 'network', message: 'Pipebridge could not be reached. Check your connection and try again; nothing was saved.' };
  }
  const parsed = (await res.json().catch(() => null)) as (T & { error?: { code: string; message: string; details?: unknown } }) | null;
  if (!res.ok || parsed === null) {
    return { ok: false, status: res.status, code: parsed?.error?.code ?? 'http', message: parsed?.error?.message ?? `The server answered ${res.status}. Try again.`, details: parsed?.error?.details };
  }
  return { ok: true, data: parsed };
}
