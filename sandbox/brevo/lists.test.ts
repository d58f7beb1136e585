import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrevoSandbox, type BrevoSandbox } from './index';
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

async function setup() {
  const acc = sb.control.createAccount();
  const call = brevoHttp(sb.url, acc.apiKey);
  const folder = ((await call('POST', '/contacts/folders', { name: 'Pipedrive' })).body as { id: number }).id;
  const list = ((await call('POST', '/contacts/lists', { name: 'Qualified', folderId: folder })).body as { id: number }).id;
  return { acc, call, folder, list };
}

describe('folders and lists', () => {
  it('creates, reads, renames, moves and deletes', async () => {
    const { call, folder, list } = await setup();
    expect((await call('POST', '/contacts/lists', { name: 'No folder' })).status).toBe(400);
    expect((await call('POST', '/contacts/lists', { name: 'Bad', folderId: 999 })).status).toBe(400);
    expect((await call('GET', `/contacts/lists/${list}`)).body).toMatchObject({ id: list, name: 'Qualified', folderId: folder, createdAt: expect.any(String) as string });
    expect((await call('PUT', `/contacts/lists/${list}`, { name: 'Qualified leads' })).status).toBe(204);
    expect((await call('PUT', `/contacts/lists/${list}`, { name: 'x', folderId: folder })).status).toBe(400);
    const f2 = ((await call('POST', '/contacts/folders', { name: 'Archive' })).body as { id: number }).id;
    expect((await call('PUT', `/contacts/lists/${list}`, { folderId: f2 })).status).toBe(204);
    expect((await call('GET', `/contacts/folders/${f2}/lists`)).body).toMatchObject({ count: 1, lists: [{ id: list, name: 'Qualified leads' }] });
    expect((await call('GET', '/contacts/folders?limit=51')).status).toBe(400);
    expect((await call('GET', '/contacts/lists')).body).toMatchObject({ count: 1 });
    expect((await call('DELETE', `/contacts/folders/${f2}`)).status).toBe(204);
    expect((await call('GET', `/contacts/lists/${list}`)).status).toBe(404);
  });
});

describe('list membership', () => {
  it('adds existing contacts (≤150), reporting those already in or unknown, and answers 400 when none could be added', async () => {
    const { call, list } = await setup();
    for (const e of ['a@x.io', 'b@x.io']) await call('POST', '/contacts', { email: e, ext_id: `ext-${e[0] ?? ''}` });
    const first = await call('POST', `/contacts/lists/${list}/contacts/add`, { emails: ['a@x.io', 'zz@x.io'] });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ contacts: { success: ['a@x.io'], failure: ['zz@x.io'] } });
    const again = await call('POST', `/contacts/lists/${list}/contacts/add`, { emails: ['a@x.io'] });
    expect(again.body).toEqual({ code: 'invalid_parameter', message: 'Contact already in list and/or does not exist' });
    expect((await call('POST', `/contacts/lists/${list}/contacts/add`, { extIds: ['ext-b'] })).body).toEqual({ contacts: { success: ['ext-b'], failure: [] } });
    const tooMany = await call('POST', `/contacts/lists/${list}/contacts/add`, { ids: Array.from({ length: 151 }, (_, i) => i + 1) });
    expect(tooMany.status).toBe(400);
    expect((await call('POST', `/contacts/lists/${list}/contacts/add`, { emails: ['a@x.io'], ids: [1] })).status).toBe(400);
    expect((await call('POST', '/contacts/lists/999/contacts/add', { emails: ['a@x.io'] })).status).toBe(404);
    const members = await call('GET', `/contacts/lists/${list}/contacts`);
    expect(members.body).toMatchObject({ count: 2 });
    expect((await call('GET', `/contacts?listIds=${list}`)).body).toMatchObject({ count: 2 });
  });

  it('removes by ids, and all:true runs as a process', async () => {
    const { call, list, acc } = await setup();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await call('POST', '/contacts', { email: `r${i}@x.io`, listIds: [list] })).body as { id: number }).id);
    const removed = await call('POST', `/contacts/lists/${list}/contacts/remove`, { ids: [ids[0], 4242] });
    expect(removed.body).toEqual({ contacts: { success: [ids[0]], failure: [4242] } });
    const all = await call('POST', `/contacts/lists/${list}/contacts/remove`, { all: true });
    expect(all.body).toEqual({ contacts: { total: 2, processId: expect.any(Number) as number } });
    expect(sb.control.state(acc.apiKey).lists[0]?.contactIds).toEqual([]);
    const proc = await call('GET', `/processes/${(all.body as { contacts: { processId: number } }).contacts.processId}`);
    expect(proc.body).toMatchObject({ status: 'completed' });
  });
});
