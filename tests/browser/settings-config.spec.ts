import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { brevoFault, brevoState, demoBrevoKey, installWithBrevo, reviewAndApply, brevoRateLimits } from './settings-helpers';

/**
 * The configuration pages as an admin uses them, against the sandboxes: field mapping (with an
 * incompatible pair refused, an attribute created inline, preview and confirmation), stages and
 * lists, event rules, sync toggles, and YAML import/export. Brevo failures are shown next to the
 * form and what the admin typed stays.
 */
test.describe.configure({ mode: 'serial' });

// Brevo's "other" family allows 100 requests an hour, which the installs and backfills of a few
// specs in a row use up; these specs are about the settings, so the sandbox lifts the limits
// for them and puts Brevo's real ones back afterwards.
test.beforeAll(async ({ request }) => brevoRateLimits(request, 'off'));
test.afterAll(async ({ request }) => brevoRateLimits(request, 'real'));

test('field mapping: refuse an incompatible pair, create an attribute inline, preview, confirm, and Brevo has it', async ({ page, request }) => {
  await installWithBrevo(page, request);
  const key = await demoBrevoKey(request);
  await page.goto('/settings/mapping');
  await expect(page.getByRole('heading', { name: 'Field mapping' })).toBeVisible();

  // Custom fields appear by name with type and key.
  const leadSource = page.getByTestId(/^row-custom_fields\./).filter({ hasText: 'Lead source' });
  await expect(leadSource).toContainText('enum');

  // An incompatible pair: a text field into a yes/no attribute is refused with the reason.
  const jobTitle = page.getByLabel('Brevo attribute for Job title', { exact: true });
  await jobTitle.selectOption('OPT_IN');
  await expect(page.getByText('OPT_IN holds yes/no, but Job title gives text; Brevo would drop the values.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Review changes' })).toBeDisabled();
  await expect(page.getByText(/Fix the incompatible mapping: Job title → OPT_IN/)).toBeVisible();

  // Brevo down while creating the attribute: a clear message, and the typed name stays.
  const name = `JOB_TITLE_${Date.now().toString(36).toUpperCase()}`;
  await page.getByTestId('row-job_title').getByRole('button', { name: 'New Brevo attribute…' }).click();
  const nameInput = page.getByRole('group', { name: 'New Brevo attribute for Job title' }).getByLabel('Attribute name');
  await nameInput.fill(name);
  // Only the attribute creation fails: the backfill started by the install must not use up the faults.
  await brevoFault(request, key, { kind: 'status', status: 503, times: 20, method: 'POST', pathPrefix: '/contacts/attributes' });
  await page.getByRole('button', { name: 'Create in Brevo' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Brevo is not answering right now' })).toBeVisible({ timeout: 20_000 });
  await expect(nameInput).toHaveValue(name);
  await brevoFault(request, key, null);

  await page.getByRole('button', { name: 'Create in Brevo' }).click();
  await expect(jobTitle).toHaveValue(name);
  expect((await brevoState(request, key)).attributes).toContainEqual(expect.objectContaining({ name, type: 'text' }));

  // The preview names the change and shows the dry run over the company's persons.
  const { lines, dryRun } = await reviewAndApply(page, 'tests/browser/screenshots/settings-mapping-preview.png');
  expect(lines.join('\n')).toContain(name);
  expect(dryRun).toMatch(/Effect on contacts \(dry run\)\s+\d+ to create, \d+ to update, \d+ unchanged, \d+ skipped/);
  await page.screenshot({ path: 'tests/browser/screenshots/settings-mapping.png', fullPage: false });

  await page.reload();
  await expect(page.getByLabel('Brevo attribute for Job title', { exact: true })).toHaveValue(name);
});

test('stages and lists: every pipeline with its stages, a list created inline in a new folder, saved after preview', async ({ page, request }) => {
  await installWithBrevo(page, request);
  const key = await demoBrevoKey(request);
  await page.goto('/settings/lists');
  await expect(page.getByRole('heading', { name: 'Pipeline: Sales' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Pipeline: Partnerships' })).toBeVisible();
  const salesStages = page.locator('section', { has: page.getByRole('heading', { name: 'Pipeline: Sales' }) }).getByRole('rowheader');
  await expect(salesStages).toHaveText(['Qualified', 'Contact made', 'Demo scheduled', 'Proposal made', 'Negotiations started', 'Won', 'Lost']);

  // Existing lists for lifecycle slots.
  await page.getByLabel('Customers', { exact: true }).selectOption({ label: 'Customers' });
  await page.getByLabel('All contacts', { exact: true }).selectOption({ label: 'Monthly newsletter' });

  // New list in a new folder for the first stage.
  const listName = `Qualified ${Date.now().toString(36)}`;
  await page.getByLabel('List for stage Qualified in Sales', { exact: true }).selectOption('__create__');
  const form = page.getByRole('group', { name: 'New Brevo list for List for stage Qualified in Sales' });
  await form.getByLabel('List name').fill(listName);
  await form.getByLabel('Folder', { exact: true }).selectOption('new');
  await form.getByLabel('New folder name').fill('Pipedrive stages');
  await form.getByRole('button', { name: 'Create list' }).click();
  await expect(page.getByLabel('List for stage Qualified in Sales', { exact: true })).toHaveValue(/\d+/);
  const state = await brevoState(request, key);
  const created = state.lists.find((l) => l.name === listName);
  expect(created).toBeDefined();
  expect(state.folders.find((f) => f.id === created!.folderId)?.name).toBe('Pipedrive stages');

  const { lines, dryRun } = await reviewAndApply(page, 'tests/browser/screenshots/settings-stages-preview.png');
  expect(lines.join('\n')).toContain(listName);
  expect(lines.join('\n')).toMatch(/customers list changes/);
  // Every person with an email would join the all-contacts list: the dry run counts them.
  expect(dryRun).toMatch(/List Monthly newsletter: \+\d+ joining/);
  await page.screenshot({ path: 'tests/browser/screenshots/settings-stages.png' });
  await page.reload();
  await expect(page.getByLabel('List for stage Qualified in Sales', { exact: true })).toHaveValue(String(created!.id));
});

test('event rules and sync toggles: invalid names refused, changes previewed and saved', async ({ page, request }) => {
  await installWithBrevo(page, request);
  await page.goto('/settings/events');
  await page.getByRole('button', { name: 'Add rule' }).click();
  const rules = page.getByTestId('event-rule');
  const last = rules.last();
  await last.getByLabel(/Brevo event name of rule/).fill('deal moved!');
  await expect(last.getByText('Use letters, digits, - and _ only')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Review changes' })).toBeDisabled();
  await last.getByLabel(/Brevo event name of rule/).fill('deal_moved');
  const { lines, dryRun: none } = await reviewAndApply(page);
  expect(lines.join('\n')).toMatch(/deal_moved/);
  expect(none).toBeNull();
  await page.screenshot({ path: 'tests/browser/screenshots/settings-events.png' });

  await page.goto('/settings/objects');
  const activities = page.getByRole('switch', { name: 'Activities' });
  await expect(activities).toHaveAttribute('aria-checked', 'true');
  await activities.press('Space');
  await expect(activities).toHaveAttribute('aria-checked', 'false');
  expect((await reviewAndApply(page)).lines).toContain('Sync of activities is turned off');
  await page.screenshot({ path: 'tests/browser/screenshots/settings-objects.png' });
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Activities' })).toHaveAttribute('aria-checked', 'false');
});

test('YAML: export, a file with errors shown by line (nothing applied), then a valid file previewed and imported', async ({ page, request }) => {
  await installWithBrevo(page, request);
  await page.goto('/settings/yaml');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download configuration (YAML)' }).click()]);
  const exported = readFileSync((await download.path()), 'utf8');
  expect(exported).toContain('connectors:');
  expect(exported).not.toMatch(/xkeysib|access_token|refresh_token/);

  const broken = 'connectors:\n  pipedrive:\n    sync:\n      persons: maybe\n    lists:\n      customers: "sixty"\n';
  await page.getByLabel('or paste it here').fill(broken);
  await page.getByRole('button', { name: 'Check file' }).click();
  const errors = page.getByTestId('yaml-error');
  await expect(errors).toHaveCount(2);
  await expect(errors.nth(0)).toContainText('4:');
  await expect(errors.nth(0)).toContainText('connectors.pipedrive.sync.persons');
  await expect(errors.nth(1)).toContainText('6:');
  await expect(page.getByText('nothing was imported')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Import and apply' })).toHaveCount(0);
  await page.screenshot({ path: 'tests/browser/screenshots/settings-yaml-errors.png' });
  // Clicking a line number puts the cursor there, and the text stays for fixing.
  await errors.nth(0).getByRole('button', { name: 'Go to line 4' }).click();
  await expect(page.getByLabel('or paste it here')).toHaveValue(broken);

  const valid = exported.replace(/leads: true/, 'leads: false');
  expect(valid).not.toBe(exported);
  await page.getByLabel('or paste it here').fill(valid);
  await page.getByRole('button', { name: 'Check file' }).click();
  await expect(page.getByRole('list', { name: 'Changes to apply' })).toContainText('Sync of leads is turned off');
  await page.getByRole('button', { name: 'Import and apply' }).click();
  await expect(page.getByText('Imported: 1 change applied.')).toBeVisible();
  await page.screenshot({ path: 'tests/browser/screenshots/settings-yaml-imported.png' });
  await page.goto('/settings/objects');
  await expect(page.getByRole('switch', { name: 'Leads' })).toHaveAttribute('aria-checked', 'false');
});
