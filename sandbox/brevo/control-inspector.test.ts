import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedDemoAccount, startBrevoSandbox, type BrevoSandbox } from './index';
import { brevoHttp } from './test-http';

// Real HTTP on a shared 2-core machine: room for load spikes (these tests take well under a second).
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

let sb: BrevoSandbox;
beforeAll(async () => {
  sb = await startBrevoSandbox({ rateLimits: 'off' });
});
afterAll(async () => {
  await sb.close();
});

const post = (path: string, body?: unknown) =>
  fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });

describe('control API over HTTP', () => {
  it('creates accounts, shows state, acts as a marketer and injects faults under /_control/', async () => {
    const created = await post('/_control/accounts', { companyName: 'Over HTTP' });
    expect(created.status).toBe(201);
    const acc = (await created.json()) as { apiKey: string; restrictedApiKey: string; ipBlockedApiKey: string };
    expect(acc.apiKey).toMatch(/^xkeysib-[0-9a-f]{64}-[A-Za-z0-9]{16}$/);
    const call = brevoHttp(sb.url, acc.apiKey);
    await call('POST', '/contacts', { email: 'm@x.io' });
    expect((await post(`/_control/accounts/${acc.apiKey}/contacts/m%40x.io/unsubscribe`)).status).toBe(204);
    expect((await post(`/_control/accounts/${acc.apiKey}/contacts/m%40x.io/fly`)).status).toBe(400);
    const state = (await (await fetch(`${sb.url}/_control/accounts/${acc.apiKey}/state`)).json()) as { contacts: { email: string; emailBlacklisted: boolean }[] };
    expect(state.contacts).toEqual([expect.objectContaining({ email: 'm@x.io', emailBlacklisted: true })]);
    expect((await post(`/_control/accounts/${acc.apiKey}/faults`, { kind: 'status', status: 503 })).status).toBe(204);
    expect((await call('GET', '/account')).status).toBe(503);
    expect((await post(`/_control/accounts/${acc.apiKey}/faults`, { kind: 'nonsense' })).status).toBe(400);
    expect((await post('/_control/rate-limits', { mode: 'tight' })).status).toBe(204);
    expect((await post('/_control/rate-limits', { mode: 'off' })).status).toBe(204);
    expect((await fetch(`${sb.url}/_control/accounts/nope/state`)).status).toBe(400);
  });
});

describe('demo account and inspector', () => {
  it('seeds an empty account with lists in folders', () => {
    const demo = seedDemoAccount(sb.control);
    const state = sb.control.state(demo.apiKey);
    expect(state.contacts).toEqual([]);
    expect(state.folders.map((f) => f.name)).toEqual(['Newsletters', 'Sales pipeline', 'Events']);
    expect(state.lists.map((l) => l.name)).toContain('Leads – EMEA');
    expect(demo.lists['Customers']).toBeTypeOf('number');
  });

  it('shows contacts, lists, companies and events, escapes them, and unsubscribes from a button', async () => {
    const demo = seedDemoAccount(sb.control);
    const call = brevoHttp(sb.url, demo.apiKey);
    const { id } = (await call('POST', '/contacts', { email: 'ann@northwind.test', attributes: { FIRSTNAME: '<b>Ann</b>' }, listIds: [demo.lists['Customers'] ?? 0] })).body as { id: number };
    await call('POST', '/companies', { name: 'Northwind' });
    await call('POST', '/events', { event_name: 'pd_deal_won', identifiers: { email_id: 'ann@northwind.test' } });
    const index = await (await fetch(`${sb.url}/_inspector`)).text();
    expect(index).toContain('Northwind Traders (demo)');
    const page = await fetch(`${sb.url}/_inspector/${demo.apiKey}`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('ann@northwind.test');
    expect(html).toContain('&lt;b&gt;Ann&lt;/b&gt;');
    expect(html).not.toContain('<b>Ann</b>');
    expect(html).toContain('Customers');
    expect(html).toContain('pd_deal_won');
    expect(html).toContain('Northwind');
    expect(html).toContain(`/unsubscribe/${id}`);
    const res = await post(`/_inspector/${demo.apiKey}/unsubscribe/${id}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/_inspector/${demo.apiKey}`);
    expect(sb.control.getContact(demo.apiKey, id)?.emailBlacklisted).toBe(true);
    expect(await (await fetch(`${sb.url}/_inspector/${demo.apiKey}`)).text()).toContain('blocklisted');
  });
});
