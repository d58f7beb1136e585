import { expect, test, pipedriveSandboxUrl, sandboxControl, uninstallDemo } from './fixtures';

/**
 * The Marketplace install, as an admin does it, against the Pipedrive sandbox's OAuth server:
 * our Installation URL → Pipedrive's consent page → back in Pipebridge, signed in → Brevo key.
 */
test.describe.configure({ mode: 'serial' });

test('install → consent → signed in → Brevo key → settings', async ({ page, request }) => {
  await uninstallDemo(request);
  await page.goto('/install');
  await expect(page).toHaveURL(new RegExp(`^${pipedriveSandboxUrl}/oauth/authorize`));
  await expect(page.getByRole('button', { name: 'Allow and install' })).toBeVisible();
  await page.screenshot({ path: 'tests/browser/screenshots/install-consent.png' });
  await page.getByRole('button', { name: 'Allow and install' }).click();

  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText('Acme Demo GmbH').first()).toBeVisible();
  await expect(page.getByTestId('brevo-status')).toContainText('Not connected');

  // A wrong key first: the message names the problem and the typed key stays.
  await page.getByLabel('Brevo API key (v3)').fill('xkeysib-this-key-does-not-exist-0000000000');
  await page.getByRole('button', { name: 'Connect Brevo' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Brevo rejected this API key' })).toBeVisible();
  await expect(page.getByLabel('Brevo API key (v3)')).toHaveValue('xkeysib-this-key-does-not-exist-0000000000');

  // The demo's sandbox key (the form offers it once it is cleared and reloaded).
  await page.reload();
  await expect(page.getByLabel('Brevo API key (v3)')).not.toHaveValue('');
  await page.getByRole('button', { name: 'Connect Brevo' }).click();
  await expect(page.getByTestId('brevo-status')).toContainText('Connected to Northwind Traders (demo)');
  await expect(page.getByTestId('brevo-status')).toContainText('••••');
  await page.screenshot({ path: 'tests/browser/screenshots/settings-connected.png', fullPage: true });

  await page.reload();
  await expect(page.getByTestId('brevo-status')).toContainText('Connected to Northwind Traders (demo)');
});

test('declining on the consent page leaves the app not installed, with a clear message', async ({ page }) => {
  await page.goto('/install');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/login\?.*error=/);
  await expect(page.getByRole('alert').filter({ hasText: /declined/ })).toBeVisible();
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login/);
});

test('a forged or replayed state is refused', async ({ page, context }) => {
  // Forged: a callback that this browser never started.
  await page.goto('/api/auth/callback/pipedrive?code=forged-code&state=forged-state');
  await expect(page).toHaveURL(/\/login\?.*error=/);
  await expect(page.getByRole('alert').filter({ hasText: /again/ })).toBeVisible();

  // Replayed: capture a real callback URL, complete it, then send it again.
  await context.clearCookies();
  let callbackUrl = '';
  page.on('request', (r) => {
    if (r.url().includes('/api/auth/callback/pipedrive?')) callbackUrl ||= r.url();
  });
  await page.goto('/install');
  await page.getByRole('button', { name: 'Allow and install' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  expect(callbackUrl).toContain('state=');
  await page.goto(callbackUrl);
  await expect(page).toHaveURL(/\/login\?.*error=/);
});

test('an authorization code used after it expired is refused', async ({ page, request, context }) => {
  await context.clearCookies();
  let held = '';
  // Take the consent decision's redirect (which carries the code) without following it, let
  // 6 sandbox minutes pass (codes live 5), then deliver it to the app.
  const isDecision = (url: URL) => url.pathname === '/oauth/authorize';
  await page.route(isDecision, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const res = await route.fetch({ maxRedirects: 0 });
    held = res.headers()['location'] ?? '';
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>held</p>' });
  });
  await page.goto('/install');
  await page.getByRole('button', { name: 'Allow and install' }).click();
  await expect.poll(() => held).toContain('code=');
  await page.unroute(isDecision);
  await sandboxControl(request, '/_control/clock/advance', { ms: 6 * 60_000 });
  await page.goto(held);
  await expect(page).toHaveURL(/\/login\?.*error=/);
  await expect(page.getByRole('alert').filter({ hasText: /again/ })).toBeVisible();
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login/);
});
