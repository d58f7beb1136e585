import { expect, test, sandboxControl } from './fixtures';
import { installWithBrevo, brevoRateLimits } from './settings-helpers';

/**
 * Responsiveness of the stage editor with 10 pipelines × 15 stages, seeded in the Pipedrive
 * sandbox through its control API and installed like any company. The figures are printed
 * ([measure] lines) and bounded, so a regression that makes the page sluggish fails the spec.
 */

// Brevo's "other" family allows 100 requests an hour, which the installs and backfills of a few
// specs in a row use up; these specs are about the settings, so the sandbox lifts the limits
// for them and puts Brevo's real ones back afterwards.
test.beforeAll(async ({ request }) => brevoRateLimits(request, 'off'));
test.afterAll(async ({ request }) => brevoRateLimits(request, 'real'));

test('stage editor with 10 pipelines × 15 stages renders and reacts quickly', async ({ page, request }) => {
  test.setTimeout(180_000);
  const domain = `big-pipelines-${Date.now().toString(36)}`;
  const pipelines = Array.from({ length: 10 }, (_, p) => ({ name: `Pipeline ${p + 1}`, stages: Array.from({ length: 15 }, (_, s) => `P${p + 1} stage ${s + 1}`) }));
  await sandboxControl(request, '/_control/companies', { name: 'Big Pipelines Ltd', domain, plan: 'premium', seed: { seed: 3, users: 1, persons: 5, organizations: 2, deals: 0, activities: 0, leads: 0, pipelines } });
  try {
    await installWithBrevo(page, request, domain);

    // Render: from navigation to all 150 stage pickers (plus won/lost per pipeline) on screen.
    const started = Date.now();
    await page.goto('/settings/lists');
    const stagePickers = page.locator('select[id^="rule-stage:"]');
    await expect(stagePickers).toHaveCount(150);
    await expect(page.getByRole('heading', { name: 'Pipeline: Pipeline 10' })).toBeVisible();
    const renderMs = Date.now() - started;
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { ttfb: Math.round(n.responseStart), domContentLoaded: Math.round(n.domContentLoadedEventEnd) };
    });

    // Interaction: choose a list for the very last stage, until the page shows unsaved changes.
    const last = page.getByLabel('List for stage P10 stage 15 in Pipeline 10', { exact: true });
    await last.scrollIntoViewIfNeeded();
    const firstList = await last.locator('option').nth(1).getAttribute('value');
    const t0 = Date.now();
    await last.selectOption(firstList);
    await expect(page.getByText('Unsaved changes')).toBeVisible();
    const interactionMs = Date.now() - t0;

    // Browser-side cost of one change on the full page (React re-render of 170 pickers).
    const inPageMs = await page.evaluate(async () => {
      const select = document.querySelector<HTMLSelectElement>('select[id^="rule-stage:"]')!;
      const t = performance.now();
      select.value = select.options[1]!.value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t;
    });
    await expect(page.locator('select[id^="rule-stage:"]').first()).not.toHaveValue('');

    console.info(`[measure] stage editor 10×15: navigation→150 pickers ${renderMs} ms (TTFB ${nav.ttfb} ms, DOMContentLoaded ${nav.domContentLoaded} ms); select→"Unsaved changes" ${interactionMs} ms; one change to next paint in page ${inPageMs.toFixed(1)} ms`);
    await page.screenshot({ path: 'tests/browser/screenshots/settings-stages-10x15.png' });
    expect(renderMs).toBeLessThan(8000);
    expect(interactionMs).toBeLessThan(1000);
    expect(inPageMs).toBeLessThan(200);

    // The same company's mapping page, measured the same way.
    const m0 = Date.now();
    await page.goto('/settings/mapping');
    await expect(page.getByRole('table')).toBeVisible();
    const mappingMs = Date.now() - m0;
    const rows = await page.getByTestId(/^row-/).count();
    const search0 = Date.now();
    await page.getByLabel('Search fields or attributes').fill('revenue');
    await expect(page.getByTestId('row-total_revenue')).toBeVisible();
    await expect(page.getByTestId('row-job_title')).toHaveCount(0);
    const searchMs = Date.now() - search0;
    console.info(`[measure] mapping page (${rows} fields): navigation→table ${mappingMs} ms; search→filtered ${searchMs} ms`);
    expect(mappingMs).toBeLessThan(8000);
    expect(searchMs).toBeLessThan(1000);

    // Tablet width (iPad Air portrait): nothing overflows sideways, the nav stays reachable.
    await page.setViewportSize({ width: 820, height: 1180 });
    for (const [path, shot] of [['/settings/lists', 'settings-stages-tablet.png'], ['/settings/mapping', 'settings-mapping-tablet.png'], ['/settings/sync', 'settings-sync-tablet.png']] as const) {
      await page.goto(path);
      await expect(page.getByRole('navigation', { name: 'Settings' })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `${path} at 820 px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `tests/browser/screenshots/${shot}` });
    }
  } finally {
    await sandboxControl(request, '/_control/login-user', { domain: 'acme-demo' });
  }
});

test('field mapping with 300 custom person fields renders and filters quickly', async ({ page, request }) => {
  test.setTimeout(180_000);
  const domain = `many-fields-${Date.now().toString(36)}`;
  await sandboxControl(request, '/_control/companies', { name: 'Many Fields GmbH', domain, plan: 'ultimate', seed: { seed: 5, users: 1, persons: 5, organizations: 2, deals: 0, activities: 0, leads: 0, extraPersonFields: 300 } });
  try {
    await installWithBrevo(page, request, domain);
    const started = Date.now();
    await page.goto('/settings/mapping');
    await expect(page.getByRole('table')).toBeVisible();
    await expect(page.getByText(/^Custom field 300 \(/).first()).toBeVisible();
    const renderMs = Date.now() - started;
    const rows = await page.getByTestId(/^row-/).count();
    expect(rows).toBeGreaterThanOrEqual(300);
    const t0 = Date.now();
    await page.getByLabel('Search fields or attributes').fill('Custom field 123');
    await expect(page.getByText(/^Custom field 123 \(/).first()).toBeVisible();
    await expect(page.getByText(/^Custom field 124 \(/)).toHaveCount(0);
    const searchMs = Date.now() - t0;
    console.info(`[measure] mapping page (${rows} fields): navigation→table with the last field ${renderMs} ms; search→filtered ${searchMs} ms`);
    await page.screenshot({ path: 'tests/browser/screenshots/settings-mapping-300-fields.png' });
    // Bounds against a pathological page (filtering that re-renders every row for each key, say),
    // not a performance figure: the figure is printed above, and on this 2-core machine it moves
    // with whatever else runs (0.55 s to 1.6 s in two CI runs of the same code).
    expect(renderMs).toBeLessThan(8000);
    expect(searchMs).toBeLessThan(3000);
  } finally {
    await sandboxControl(request, '/_control/login-user', { domain: 'acme-demo' });
  }
});
