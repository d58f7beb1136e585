import { expect, test } from '@playwright/test';

test('the landing page explains the product and offers install and sign-in', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Pipedrive pipeline, in Brevo');
  await expect(page.getByRole('link', { name: 'Install with Pipedrive' })).toHaveAttribute('href', '/install');
  await expect(page.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
  await page.screenshot({ path: 'tests/browser/screenshots/landing.png', fullPage: true });
});

test('health reports the database and the job queue', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { status: string; database: { ok: boolean }; queue: { ok: boolean } };
  expect(body).toMatchObject({ status: 'ok', database: { ok: true }, queue: { ok: true } });
});

test('pages refuse to be framed', async ({ request }) => {
  const res = await request.get('/');
  expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res.headers()['x-frame-options']).toBe('DENY');
});
