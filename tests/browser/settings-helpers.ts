import type { APIRequestContext, Page } from '@playwright/test';
import { brevoSandboxUrl, expect, pipedriveSandboxUrl, sandboxControl, uninstallDemo } from './fixtures';

/** The Brevo sandbox's demo account (its key is what the app is connected with). */
export async function demoBrevoKey(request: APIRequestContext): Promise<string> {
  const res = await request.get(`${brevoSandboxUrl}/_control/accounts`);
  const { accounts } = (await res.json()) as { accounts: { apiKey: string; companyName: string }[] };
  const demo = accounts.find((a) => a.companyName === 'Northwind Traders (demo)');
  expect(demo, 'the demo Brevo account').toBeDefined();
  return demo!.apiKey;
}

export interface BrevoState {
  attributes: { name: string; type?: string }[];
  lists: { id: number; name: string; folderId: number; contactIds: number[] }[];
  folders: { id: number; name: string }[];
  contacts: { id: number; email?: string; attributes: Record<string, unknown>; listIds: number[] }[];
}

export async function brevoState(request: APIRequestContext, key: string): Promise<BrevoState> {
  const res = await request.get(`${brevoSandboxUrl}/_control/accounts/${encodeURIComponent(key)}/state`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as BrevoState;
}

export async function brevoRateLimits(request: APIRequestContext, mode: 'off' | 'real'): Promise<void> {
  const res = await request.post(`${brevoSandboxUrl}/_control/rate-limits`, { data: { mode } });
  expect(res.ok(), await res.text()).toBe(true);
}

export async function brevoFault(request: APIRequestContext, key: string, fault: Record<string, unknown> | null): Promise<void> {
  const url = `${brevoSandboxUrl}/_control/accounts/${encodeURIComponent(key)}/faults`;
  const res = fault === null ? await request.delete(url) : await request.post(url, { data: fault });
  expect(res.ok(), await res.text()).toBe(true);
}

/**
 * A fresh install of the given sandbox company (default: the demo company) with Brevo connected,
 * through the same consent page an admin sees. Every spec starts here, so none depends on another.
 */
export async function installWithBrevo(page: Page, request: APIRequestContext, domain = 'acme-demo'): Promise<void> {
  await uninstallDemo(request, domain);
  await sandboxControl(request, '/_control/login-user', { domain });
  await page.context().clearCookies();
  await page.goto('/install');
  await expect(page).toHaveURL(new RegExp(`^${pipedriveSandboxUrl}/oauth/authorize`));
  await page.getByRole('button', { name: 'Allow and install' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByLabel('Brevo API key (v3)')).not.toHaveValue('');
  // The sandbox applies Brevo's real rate limits, which an earlier spec's backfill may have
  // used up: the form then says so ("rate-limiting … try again in a minute") and the admin
  // clicks again, as this does.
  await expect(async () => {
    await page.getByRole('button', { name: 'Connect Brevo' }).click();
    await expect(page.getByTestId('brevo-status')).toContainText('Connected to', { timeout: 10_000 });
  }).toPass({ timeout: 120_000, intervals: [5_000, 10_000, 20_000] });
}

/**
 * Review → preview visible (with the dry run when the change touches contacts) → confirm →
 * saved. Returns the preview's lines and the dry run's text; takes the screenshot at the preview.
 */
export async function reviewAndApply(page: Page, screenshot?: string): Promise<{ lines: string[]; dryRun: string | null }> {
  await page.getByRole('button', { name: 'Review changes' }).click();
  const changes = page.getByRole('list', { name: 'Changes to apply' });
  await expect(changes).toBeVisible({ timeout: 30_000 });
  const lines = await changes.getByRole('listitem').allInnerTexts();
  const dry = page.getByTestId('dry-run');
  const dryRun = (await dry.count()) > 0 ? await dry.innerText() : null;
  if (screenshot) await page.screenshot({ path: screenshot });
  await page.getByRole('button', { name: 'Confirm and apply' }).click();
  await expect(page.getByText('Saved. The sync uses the new configuration')).toBeVisible();
  return { lines, dryRun };
}
