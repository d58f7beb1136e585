import { expect, test, sandboxControl } from './fixtures';
import { installWithBrevo, brevoRateLimits } from './settings-helpers';

/**
 * A Pipedrive grant that died (refresh token unused for 60 days): the next Pipedrive call fails
 * with invalid_grant, the company's sync pauses, the Overview shows the banner, and signing in
 * again through it brings everything back.
 */
test.beforeAll(async ({ request }) => brevoRateLimits(request, 'off'));
test.afterAll(async ({ request }) => brevoRateLimits(request, 'real'));

test('an expired grant pauses the sync, shows the reconnect banner, and reconnecting clears it', async ({ page, request }) => {
  test.setTimeout(180_000);
  await installWithBrevo(page, request);
  await expect(page.getByText('Sync is paused.')).toHaveCount(0);

  // 61 days on the sandbox's clock: the access token and the refresh token are both dead.
  await sandboxControl(request, '/_control/clock/advance', { ms: 61 * 86_400_000 });
  // Any page that needs Pipedrive now tries to refresh and is refused.
  await page.goto('/settings/mapping');
  await expect(page.getByRole('alert').filter({ hasText: /Pipedrive/ }).first()).toBeVisible();

  await page.goto('/settings');
  const banner = page.getByRole('alert').filter({ hasText: 'Sync is paused.' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('reconnect Pipedrive');
  await page.screenshot({ path: 'tests/browser/screenshots/reconnect-banner.png' });

  await banner.getByRole('link', { name: 'Reconnect Pipedrive' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByRole('button', { name: 'Sign in with Pipedrive' }).click();
  await page.getByRole('button', { name: 'Allow and install' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText('Sync is paused.')).toHaveCount(0);
});
