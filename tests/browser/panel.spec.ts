import type { APIRequestContext, FrameLocator, Page } from '@playwright/test';
import { brevoSandboxUrl, expect, pipedriveSandboxUrl, sandboxControl, test, uninstallDemo, E2E_CLIENT_ID } from './fixtures';

/**
 * The panel as a user sees it inside Pipedrive: the Pipedrive sandbox's host page frames it with a
 * signed token and plays Pipedrive's side of the SDK (initialize, resize, tokens, snackbars,
 * confirmations, theme). Each test installs the app into the demo company afresh and creates its
 * own Pipedrive person, so the tests depend on no order and no earlier run.
 */
const DOMAIN = 'acme-demo';

interface BrevoContactState {
  id: number;
  email: string;
  attributes: Record<string, unknown>;
  listIds: number[];
  listNames: string[];
}

/**
 * The demo company with Pipebridge installed and the demo Brevo account connected, whatever state
 * an earlier spec left: the consent page is passed again (a re-install keeps the company), and
 * Brevo is connected only if it is not. Not uninstalling each time keeps the backfill that a new
 * connection starts from competing with the test for Brevo's rate limits.
 */
async function ensureInstalled(page: Page, request: APIRequestContext): Promise<void> {
  await page.goto('/install');
  await page.getByRole('button', { name: 'Allow and install' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const current = (await (await page.request.get('/api/brevo/connection')).json()) as { connection: { connected: boolean; accountName?: string } };
  if (current.connection.connected && current.connection.accountName === 'Northwind Traders (demo)') return;
  // The admin's session connects the demo's Brevo sandbox account (the settings form is tested elsewhere).
  const res = await page.request.put('/api/brevo/connection', { data: { apiKey: await demoBrevoKey(request) } });
  expect(res.ok(), await res.text()).toBe(true);
}

async function createPerson(request: APIRequestContext, name: string, emails: string[]): Promise<{ id: number }> {
  return (await sandboxControl(request, '/_control/ui/create-person', { domain: DOMAIN, name, emails })) as { id: number };
}

async function demoBrevoKey(request: APIRequestContext): Promise<string> {
  const res = await request.get(`${brevoSandboxUrl}/_control/accounts`);
  const { accounts } = (await res.json()) as { accounts: { apiKey: string; companyName: string }[] };
  const demo = accounts.find((a) => a.companyName === 'Northwind Traders (demo)');
  if (!demo) throw new Error('the demo Brevo account is missing');
  return demo.apiKey;
}

async function brevoContact(request: APIRequestContext, email: string): Promise<BrevoContactState | undefined> {
  const res = await request.get(`${brevoSandboxUrl}/_control/accounts/${encodeURIComponent(await demoBrevoKey(request))}/state`);
  const state = (await res.json()) as { contacts: BrevoContactState[] };
  return state.contacts.find((c) => c.email === email.toLowerCase());
}

function hostUrl(personId: number, opts: { theme?: 'light' | 'dark'; token?: 'valid' | 'expired' | 'tampered' | 'missing' } = {}): string {
  const q = new URLSearchParams({ resource: 'person', id: String(personId), clientId: E2E_CLIENT_ID, theme: opts.theme ?? 'light', token: opts.token ?? 'valid' });
  return `${pipedriveSandboxUrl}/_panel-host/${DOMAIN}?${q}`;
}

const panelOf = (page: Page): FrameLocator => page.frameLocator('iframe[title$="panel"]');
/** The panel's own error message (Next adds an empty route announcer with role alert too). */
const panelAlert = (panel: FrameLocator) => panel.locator('[role="alert"][data-code]');

/** Snackbar messages the panel asked the host to show, oldest first. */
const snackbars = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __pipedriveHost: { commands: { command: string; args?: { message?: string } }[] } }).__pipedriveHost.commands.filter((c) => c.command === 'show_snackbar').map((c) => c.args?.message ?? ''),
  );

/** Opens the person in the host page and syncs them from the panel, as a salesperson would. */
async function openSynced(page: Page, request: APIRequestContext, name: string): Promise<{ personId: number; email: string; panel: FrameLocator }> {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${Date.now()}@example.com`;
  const { id } = await createPerson(request, name, [email]);
  await page.goto(hostUrl(id));
  const panel = panelOf(page);
  // Connecting Brevo starts a backfill, which may or may not have reached this person yet.
  await panel.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByTestId('host-snackbar')).toContainText('Synced', { timeout: 40_000 });
  await expect(panel.getByTestId('contact-status')).toHaveText('Subscribed');
  return { personId: id, email, panel };
}

test('initializes well within 10 s, sizes itself to its content and follows the theme', async ({ page, request }) => {
  await ensureInstalled(page, request);
  const { personId } = await createPerson(request, 'Ines Init', [`ines.${Date.now()}@example.com`]).then((p) => ({ personId: p.id }));
  await page.goto(hostUrl(personId, { theme: 'dark' }));
  // The host page measures from its own start to the SDK's initialize command.
  await expect(page.getByTestId('host-init')).toHaveText(/Panel initialized in \d+ ms/, { timeout: 10_000 });
  const ms = Number((await page.getByTestId('host-init').textContent())!.match(/(\d+) ms/)![1]);
  expect(ms).toBeLessThan(10_000);

  const panel = panelOf(page);
  await expect(panel.getByTestId('panel-root')).toHaveAttribute('data-theme', 'dark');
  await expect(panel.getByRole('button', { name: 'Sync now' })).toBeVisible();
  // The iframe is as high as the panel's content (resize), within Pipedrive's 100–750 px.
  await expect(async () => {
    const content = await panel.getByTestId('panel-root').evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
    const frame = await page.locator('iframe[title$="panel"]').evaluate((el) => el.getBoundingClientRect().height);
    expect(Math.abs(frame - Math.max(100, Math.min(750, content)))).toBeLessThanOrEqual(1);
    expect(frame).toBeGreaterThan(100);
  }).toPass();
  expect((await page.evaluate(() => (window as unknown as { __pipedriveHost: { commands: { command: string }[] } }).__pipedriveHost.commands.map((c) => c.command))).slice(0, 1)).toEqual(['initialize']);
  await expect(page.getByTestId('host-log')).toContainText('resize');
  await page.screenshot({ path: 'tests/browser/screenshots/panel-dark-theme.png' });

  // The user switches Pipedrive to the light theme: the panel follows without reloading.
  await page.getByRole('button', { name: 'Light' }).click();
  await expect(panel.getByTestId('panel-root')).toHaveAttribute('data-theme', 'light');
});

test('sync now creates the Brevo contact, shows its status, and sends later Pipedrive changes', async ({ page, request }) => {
  await ensureInstalled(page, request);
  const { personId, email, panel } = await openSynced(page, request, 'Sara Sync');
  const contact = await brevoContact(request, email);
  expect(contact, 'the contact exists in the Brevo sandbox').toBeDefined();
  await expect(panel.getByTestId('contact-email')).toHaveText(email.toLowerCase());
  await expect(panel.getByTestId('last-synced')).toContainText('Last synced');
  await expect(panel.getByTestId('contact-attributes')).toBeVisible();
  await expect(panel.getByRole('link', { name: 'Open in Brevo' })).toHaveAttribute('href', /_inspector|app\.brevo\.com/);
  await page.screenshot({ path: 'tests/browser/screenshots/panel-synced-person.png' });

  // Renamed in Pipedrive; "Sync now" carries it to Brevo.
  await sandboxControl(request, '/_control/ui/edit-person', { domain: DOMAIN, id: personId, edit: { name: 'Sara Renamed', first_name: 'Sara', last_name: 'Renamed' } });
  const before = JSON.stringify(contact!.attributes);
  const shown = (await snackbars(page)).length;
  await panel.getByRole('button', { name: 'Sync now' }).click();
  await expect.poll(async () => (await snackbars(page)).slice(shown), { timeout: 40_000 }).toEqual([expect.stringContaining('Synced')]);
  await expect.poll(async () => JSON.stringify((await brevoContact(request, email))?.attributes), { timeout: 30_000 }).not.toBe(before);
  expect(JSON.stringify((await brevoContact(request, email))?.attributes)).toContain('Renamed');
  await expect(panel.getByTestId('contact-attributes')).toContainText('Renamed');
});

test('a blocklisted contact shows why', async ({ page, request }) => {
  await ensureInstalled(page, request);
  const { email, panel } = await openSynced(page, request, 'Bo Bounce');
  const key = await demoBrevoKey(request);
  const res = await request.post(`${brevoSandboxUrl}/_control/accounts/${encodeURIComponent(key)}/contacts/${encodeURIComponent(email.toLowerCase())}/hard-bounce`, { data: {} });
  expect(res.status()).toBe(204);
  // The user collapses and expands the panel: it shows Brevo's state of now, without a reload.
  await page.getByRole('button', { name: 'Collapse panel' }).click();
  await page.getByRole('button', { name: 'Expand panel' }).click();
  await expect(panel.getByTestId('contact-status')).toHaveText('Bounced');
  await expect(panel.getByTestId('status-detail')).toContainText('hard-bounced');
});

test('a person without email gets a clear explanation and no sync button', async ({ page, request }) => {
  await ensureInstalled(page, request);
  const { id } = await createPerson(request, 'Norbert Nomail', []);
  await page.goto(hostUrl(id));
  const panel = panelOf(page);
  await expect(panel.getByTestId('panel-explanation')).toHaveAttribute('data-state', 'no_email');
  await expect(panel.getByTestId('panel-explanation')).toContainText('Norbert Nomail has no email address in Pipedrive');
  await expect(panel.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
  await page.screenshot({ path: 'tests/browser/screenshots/panel-no-email.png' });
});

test('add to a list asks for confirmation first; cancel changes nothing', async ({ page, request }) => {
  await ensureInstalled(page, request);
  const { email, panel } = await openSynced(page, request, 'Lena Lists');
  const listsBefore = (await brevoContact(request, email))!.listIds;
  await panel.getByLabel('Brevo list').selectOption({ label: 'Webinar attendees 2026' });

  await panel.getByRole('button', { name: 'Add to list' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Add to "Webinar attendees 2026"?');
  await page.screenshot({ path: 'tests/browser/screenshots/panel-add-to-list-confirmation.png' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect((await brevoContact(request, email))!.listIds).toEqual(listsBefore);

  await panel.getByRole('button', { name: 'Add to list' }).click();
  await dialog.getByRole('button', { name: 'Add to list' }).click();
  await expect(page.getByTestId('host-snackbar')).toContainText('Added to "Webinar attendees 2026"');
  await expect(panel.getByTestId('contact-lists')).toContainText('Webinar attendees 2026');
  expect((await brevoContact(request, email))!.listNames).toContain('Webinar attendees 2026');
  await page.screenshot({ path: 'tests/browser/screenshots/panel-added-to-list.png' });

  // And out again, also confirmed.
  await panel.getByRole('button', { name: 'Remove from Webinar attendees 2026' }).click();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('host-snackbar')).toContainText('Removed from "Webinar attendees 2026"');
  expect((await brevoContact(request, email))!.listNames).not.toContain('Webinar attendees 2026');
});

test('an expired, tampered or missing token is refused with a clear message', async ({ page, request }) => {
  await ensureInstalled(page, request);
  const { id } = await createPerson(request, 'Tom Token', [`tom.${Date.now()}@example.com`]);
  const panel = panelOf(page);

  await page.goto(hostUrl(id, { token: 'expired' }));
  await expect(panelAlert(panel)).toContainText('Your Pipedrive session token has expired');
  // The panel still initializes, so that Pipedrive shows the message instead of hiding the panel.
  await expect(page.getByTestId('host-init')).toHaveText(/Panel initialized/);
  await page.screenshot({ path: 'tests/browser/screenshots/panel-expired-token.png' });

  await page.goto(hostUrl(id, { token: 'tampered' }));
  await expect(panelAlert(panel)).toContainText("Pipedrive's signed token was not valid");
  await page.goto(hostUrl(id, { token: 'missing' }));
  await expect(panelAlert(panel)).toContainText('did not receive');

  // A valid first load, then Pipedrive hands out tampered tokens: the next API call is refused.
  await page.goto(hostUrl(id));
  await expect(panel.getByRole('button', { name: 'Sync now' })).toBeVisible();
  await page.getByLabel('Signed tokens').selectOption('tampered');
  await panel.getByRole('button', { name: 'Sync now' }).click();
  await expect(panelAlert(panel)).toContainText("Pipedrive's signed token was not valid");

  // The API itself answers 401 to such tokens.
  const expired = (await (await request.post(`${pipedriveSandboxUrl}/_panel-host/${DOMAIN}/token`, { data: { mode: 'expired', clientId: E2E_CLIENT_ID } })).json()) as { token: string };
  const res = await request.get(`/api/panel/record?resource=person&id=${id}`, { headers: { authorization: `Bearer ${expired.token}` } });
  expect(res.status()).toBe(401);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('panel_token_expired');
});

test('only Pipedrive may frame the panel; other pages refuse framing everywhere', async ({ page, request }) => {
  const panelRes = await request.get('/panel');
  const csp = panelRes.headers()['content-security-policy'] ?? '';
  expect(csp).toContain('frame-ancestors https://*.pipedrive.com');
  // The sandbox host page's loopback origin (any port: demo and test servers share build folders).
  expect(csp).toContain(`${new URL(pipedriveSandboxUrl).protocol}//${new URL(pipedriveSandboxUrl).hostname}:*`);
  expect(csp).not.toMatch(/frame-ancestors[^;]* \*( |$)/);
  expect(panelRes.headers()['x-frame-options']).toBeUndefined();
  const settingsRes = await request.get('/login');
  expect(settingsRes.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

  // A page on another origin frames the panel and a settings page: the browser renders neither.
  const base = test.info().project.use.baseURL!;
  await page.route('http://intruder.test/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><iframe id="panel" src="${base}/panel?id=x&resource=person&selectedIds=1"></iframe><iframe id="login" src="${base}/login"></iframe>` }),
  );
  await page.goto('http://intruder.test/');
  await expect.poll(() => page.frames().filter((f) => f.url().startsWith('chrome-error:')).length).toBe(2);
  await expect(page.frameLocator('#panel').getByTestId('panel-root')).toHaveCount(0);
  await expect(page.frameLocator('#login').getByRole('heading')).toHaveCount(0);
  // The same panel URL framed by the Pipedrive sandbox's host page renders.
  const { id } = await createPerson(request, 'Frank Frame', []);
  await page.goto(hostUrl(id));
  await expect(panelOf(page).getByTestId('panel-root')).toBeVisible();
});

test('after an uninstall the panel says that Pipebridge is not installed', async ({ page, request }) => {
  const { id } = await createPerson(request, 'Uma Uninstalled', [`uma.${Date.now()}@example.com`]);
  await uninstallDemo(request);
  await page.goto(hostUrl(id));
  const panel = panelOf(page);
  await expect(panelAlert(panel)).toContainText('Pipebridge is not installed for this Pipedrive company');
  await expect(page.getByTestId('host-init')).toHaveText(/Panel initialized/);
});

test('the host page hides a panel that does not initialize within 10 seconds, as Pipedrive does', async ({ page, request }) => {
  const { id } = await createPerson(request, 'Hilde Hidden', []);
  // A page without the SDK in place of the panel: nothing ever sends initialize.
  await page.goto(`${hostUrl(id)}&panelUrl=${encodeURIComponent(`${pipedriveSandboxUrl}/_inspector`)}`);
  await expect(page.getByRole('note')).toHaveText(/did not initialize within 10 seconds/, { timeout: 15_000 });
  await expect(page.locator('iframe[title$="panel"]')).toBeHidden();
});
