import { expect, test, sandboxControl } from './fixtures';
import { brevoFault, brevoState, demoBrevoKey, installWithBrevo, brevoRateLimits } from './settings-helpers';

/**
 * The sync dashboard against the sandboxes: the first backfill's progress bar reaches 100 %, a
 * record Brevo refuses shows up with its reason, is retried once the cause is gone and lands in
 * Brevo, and a full resync runs to the end. The Overview then reports the run and the budget.
 */
test.describe.configure({ mode: 'serial' });

// Brevo's "other" family allows 100 requests an hour, which the installs and backfills of a few
// specs in a row use up; these specs are about the settings, so the sandbox lifts the limits
// for them and puts Brevo's real ones back afterwards.
test.beforeAll(async ({ request }) => brevoRateLimits(request, 'off'));
test.afterAll(async ({ request }) => brevoRateLimits(request, 'real'));

test('backfill to 100 %, a refused record with its reason, retry, full resync, and the Overview', async ({ page, request }) => {
  test.setTimeout(240_000);
  await installWithBrevo(page, request);
  const key = await demoBrevoKey(request);

  // Connecting Brevo starts the first backfill by itself.
  await page.goto('/settings/sync');
  const overall = page.getByRole('progressbar', { name: 'Overall progress' });
  await expect(overall).toBeVisible();
  await expect(overall).toHaveAttribute('aria-valuenow', '100', { timeout: 150_000 });
  await expect(page.getByTestId('current-run')).toContainText('succeeded');
  await expect(page.getByRole('progressbar', { name: 'persons progress' })).toHaveAttribute('aria-valuenow', '100');
  // The webhooks registered at connect time are listed with their delivery status.
  const hooks = page.getByTestId('webhook-row');
  await expect(hooks.filter({ hasText: 'deal' }).first()).toBeVisible();
  await expect(hooks.first()).toContainText(/Delivering|Stopped delivering/);
  await page.screenshot({ path: 'tests/browser/screenshots/settings-sync-backfill.png', fullPage: true });

  // A new person whose email Brevo refuses: the dashboard shows the record and the reason.
  const email = `refused-${Date.now().toString(36)}@example.test`;
  await brevoFault(request, key, { kind: 'reject-record', match: email, reason: 'invalid_email', times: 1000 });
  const person = (await sandboxControl(request, '/_control/ui/create-person', { domain: 'acme-demo', name: 'Refused Person', emails: [email] })) as { id: number };
  await page.getByRole('button', { name: 'Sync now' }).click();
  const row = page.getByTestId('issue-row').filter({ hasText: `person ${person.id}` });
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row).toContainText('invalid_email');

  // The filters narrow to that record: its id (also matches reasons quoting the number) and errors only.
  await page.getByLabel('Reason, code or Pipedrive id').fill(String(person.id));
  await page.getByLabel('Severity').selectOption('error');
  await expect(page.getByTestId('issue-row')).toHaveCount(1);
  await expect(page.getByTestId('issue-row')).toContainText(`person ${person.id}`);
  await page.screenshot({ path: 'tests/browser/screenshots/settings-sync-issue.png', fullPage: true });

  // The cause is fixed on Brevo's side; retry this one record.
  await brevoFault(request, key, null);
  await row.getByRole('button', { name: `Retry person ${person.id}` }).click();
  await expect(page.getByText(`Person ${person.id} is being synced again.`)).toBeVisible();
  await expect.poll(async () => (await brevoState(request, key)).contacts.some((c) => c.email === email), { timeout: 60_000 }).toBe(true);
  await expect(page.getByTestId('issue-row').filter({ hasText: `person ${person.id}` })).toHaveCount(0, { timeout: 30_000 });

  // A full resync, confirmed, runs to the end.
  await page.getByLabel('Reason, code or Pipedrive id').fill('');
  await page.getByLabel('Severity').selectOption('all');
  // Brevo holds the resync's contact writes back with 429s for a few seconds (the contacts exist,
  // so they go as batch updates, not an import), so the run is seen underway: Pipedrive's lists
  // have no totals, yet the bars have estimated ones and the run an ETA.
  await brevoFault(request, key, { kind: 'rate-limit-storm', method: 'POST', pathPrefix: '/contacts', times: 4, resetSeconds: 3 });
  await page.getByRole('button', { name: 'Full resync…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Start a full resync?');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Start full resync' }).click();
  await expect(page.getByText('Full resync started')).toBeVisible();
  await expect(page.getByTestId('current-run')).toContainText(/resync/i);
  await expect(page.getByTestId('current-run')).toContainText(/about .+ left/, { timeout: 20_000 });
  await expect(page.getByRole('progressbar', { name: 'persons progress' })).toHaveAttribute('aria-valuetext', /^\d+ %$/);
  await page.screenshot({ path: 'tests/browser/screenshots/settings-sync-eta.png', fullPage: true });
  await expect(overall).toHaveAttribute('aria-valuenow', '100', { timeout: 150_000 });
  await expect(page.getByTestId('run-row').first()).toContainText('succeeded');

  // The Overview reports the run, webhook activity and the Pipedrive budget.
  await page.goto('/settings');
  await expect(page.getByTestId('last-run')).toContainText('succeeded');
  await expect(page.getByTestId('budget')).toContainText('tokens left today');
  await expect(page.getByTestId('synced-summary')).toContainText('persons');
  await page.screenshot({ path: 'tests/browser/screenshots/settings-overview.png', fullPage: true });
});
