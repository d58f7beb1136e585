import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrevoSandbox, type BrevoSandbox } from './index';
import { brevoHttp } from './test-http';
import { startReceiver } from './test-receiver';

// Real HTTP on a shared 2-core machine: room for load spikes (these tests take well under a second).
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

let sb: BrevoSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  sb = await startBrevoSandbox({ rateLimits: 'off' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

async function setup(events: string[], extra: Record<string, unknown> = {}) {
  const acc = sb.control.createAccount();
  const call = brevoHttp(sb.url, acc.apiKey);
  const path = `/hook/${acc.accountId}`;
  const hook = await call('POST', '/webhooks', { url: `${receiver.url}${path}`, events, type: 'marketing', headers: [{ key: 'x-tenant', value: 't1' }], ...extra });
  expect(hook.status).toBe(201);
  const mine = () => receiver.received.filter((r) => r.path === path);
  return { acc, call, hookId: (hook.body as { id: number }).id, mine };
}

describe('marketing webhooks', () => {
  it('delivers unsubscribes, hard bounces, spam, updates, deletions and list additions in Brevo payload shapes', async () => {
    const { acc, call, hookId, mine } = await setup(['unsubscribed', 'hardBounce', 'spam', 'contactUpdated', 'contactDeleted', 'listAddition']);
    const folder = sb.control.createFolder(acc.apiKey, 'F');
    const list = sb.control.createList(acc.apiKey, 'L', folder);
    for (const e of ['u@x.io', 'h@x.io', 's@x.io', 'd@x.io']) await call('POST', '/contacts', { email: e, listIds: [list] });
    sb.control.unsubscribe(acc.apiKey, 'u@x.io', 17);
    sb.control.hardBounce(acc.apiKey, 'h@x.io');
    sb.control.spamComplaint(acc.apiKey, 's@x.io');
    sb.control.editContact(acc.apiKey, 'd@x.io', { FIRSTNAME: 'Dee' });
    sb.control.blocklist(acc.apiKey, 'd@x.io');
    sb.control.deleteContact(acc.apiKey, 'd@x.io');
    await sb.control.webhooksIdle();
    const bodies = mine().map((r) => r.body as Record<string, unknown>);
    expect(bodies.map((b) => b.event)).toEqual([
      'list_addition',
      'list_addition',
      'list_addition',
      'list_addition',
      'unsubscribed',
      'hard_bounce',
      'spam',
      'contact_updated',
      'contact_updated',
      'contact_deleted',
    ]);
    const unsub = bodies[4] ?? {};
    expect(unsub).toMatchObject({ id: hookId, camp_id: 17, email: 'u@x.io', list_id: [list], event: 'unsubscribed' });
    expect(unsub.date_event).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(typeof unsub.ts_event).toBe('number');
    expect(bodies[5]).toMatchObject({ event: 'hard_bounce', email: 'h@x.io', reason: expect.any(String) as string });
    expect(bodies[7]).toMatchObject({ event: 'contact_updated', email: 'd@x.io', content: [{ FIRSTNAME: 'Dee' }], key: expect.any(String) as string });
    expect(bodies[9]).toMatchObject({ event: 'contact_deleted', email: 'd@x.io', list_id: [list] });
    expect(mine()[0]?.headers['x-tenant']).toBe('t1');
    expect(sb.control.getContact(acc.apiKey, 'h@x.io')?.emailBlacklisted).toBe(true);
    const stats = await call('GET', '/contacts/u%40x.io');
    expect(stats.body).toMatchObject({ emailBlacklisted: true, statistics: { unsubscriptions: { userUnsubscription: [{ campaignId: 17 }], adminUnsubscription: [] } } });
    expect(sb.control.deliveries(acc.apiKey).every((d) => d.status === 200)).toBe(true);
  });

  it('only sends subscribed events, batches when asked, and records failed deliveries', async () => {
    const { acc, call, mine } = await setup(['unsubscribed'], { batched: true });
    for (const e of ['a@x.io', 'b@x.io']) await call('POST', '/contacts', { email: e });
    sb.control.unsubscribe(acc.apiKey, 'a@x.io');
    sb.control.unsubscribe(acc.apiKey, 'b@x.io');
    sb.control.hardBounce(acc.apiKey, 'a@x.io');
    await sb.control.webhooksIdle();
    expect(mine()).toHaveLength(0);
    sb.control.flushWebhookBatches(acc.apiKey);
    await sb.control.webhooksIdle();
    expect(mine()).toHaveLength(1);
    expect((mine()[0]?.body as unknown[]).map((b) => (b as { email: string }).email)).toEqual(['a@x.io', 'b@x.io']);

    // A batch also leaves by itself once its 5-minute window has passed on the sandbox clock.
    sb.control.unsubscribe(acc.apiKey, 'a@x.io');
    await call('GET', '/account');
    await sb.control.webhooksIdle();
    expect(mine()).toHaveLength(1);
    sb.clock.advance(5 * 60_000);
    await call('GET', '/account');
    await sb.control.webhooksIdle();
    expect(mine()).toHaveLength(2);

    await call('POST', '/webhooks', { url: 'http://127.0.0.1:9/unreachable', events: ['spam'], type: 'marketing' });
    sb.control.spamComplaint(acc.apiKey, 'b@x.io');
    await sb.control.webhooksIdle();
    expect(sb.control.deliveries(acc.apiKey).at(-1)).toMatchObject({ status: null, error: expect.any(String) as string });
  });

  it('manages webhooks: type filter, events per type, update, delete, and at most 40', async () => {
    const { call, hookId } = await setup(['unsubscribed']);
    expect((await call('GET', '/webhooks')).body).toEqual({ webhooks: [] });
    expect((await call('GET', '/webhooks?type=marketing')).body).toMatchObject({ webhooks: [{ id: hookId, type: 'marketing', events: ['unsubscribed'] }] });
    expect((await call('POST', '/webhooks', { url: 'https://x.test/h', events: ['listAddition'], type: 'transactional' })).status).toBe(400);
    expect((await call('POST', '/webhooks', { url: 'not a url', events: ['spam'], type: 'marketing' })).status).toBe(400);
    expect((await call('PUT', `/webhooks/${hookId}`, { events: ['spam', 'unsubscribed'] })).status).toBe(204);
    expect((await call('GET', `/webhooks/${hookId}`)).body).toMatchObject({ events: ['spam', 'unsubscribed'] });
    for (let i = 1; i < 40; i++) expect((await call('POST', '/webhooks', { url: `https://x.test/${i}`, events: ['spam'], type: 'marketing' })).status).toBe(201);
    const over = await call('POST', '/webhooks', { url: 'https://x.test/41', events: ['spam'], type: 'marketing' });
    expect(over.status).toBe(400);
    expect((await call('DELETE', `/webhooks/${hookId}`)).status).toBe(204);
    expect((await call('DELETE', `/webhooks/${hookId}`)).status).toBe(404);
  });
});
