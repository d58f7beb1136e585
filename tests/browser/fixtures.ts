import { test as base, expect, type APIRequestContext } from '@playwright/test';

/** The demo server's Pipedrive sandbox (playwright.config.ts puts it at the app's port + 10). */
export const pipedriveSandboxUrl = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 10}`;
export const brevoSandboxUrl = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 20}`;

export async function sandboxControl(request: APIRequestContext, path: string, body: unknown): Promise<unknown> {
  const res = await request.post(`${pipedriveSandboxUrl}${path}`, { data: body });
  expect(res.ok(), `${path}: ${await res.text()}`).toBe(true);
  return res.status() === 204 ? undefined : ((await res.json()) as unknown);
}

export const E2E_CLIENT_ID = 'pipebridge-e2e';

/** Uninstalls the app from the demo company as Pipedrive would, so a spec starts from scratch. */
export async function uninstallDemo(request: APIRequestContext, domain = 'acme-demo'): Promise<void> {
  await sandboxControl(request, '/_control/uninstall', { domain, clientId: E2E_CLIENT_ID });
}

export const test = base;
export { expect };
