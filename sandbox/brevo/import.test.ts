import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrevoSandbox, type BrevoSandbox } from './index';
import { brevoHttp } from './test-http';
import { eventually, startReceiver } from './test-receiver';

// Real HTTP on a shared 2-core machine: room for load spikes (these tests take well under a second).
vi.setConfig({ testTimeout: 20_000, hookTimeout: 60_000 });

let sb: BrevoSandbox;
beforeAll(async () => {
  sb = await startBrevoSandbox({ rateLimits: 'off' });
});
afterAll(async () => {
  await sb.close();
});

function setup() {
  const acc = sb.control.createAccount();
  const call = brevoHttp(sb.url, acc.apiKey);
  const folder = sb.control.createFolder(acc.apiKey, 'Imports');
  const list = sb.control.createList(acc.apiKey, 'Imported', folder);
  const waitDone = (id: number) =>
    eventually(async () => {
      const p = await call('GET', `/processes/${id}`);
      const body = p.body as { status: string; info?: { import: Record<string, number> } };
      return body.status === 'completed' ? body : undefined;
    });
  return { acc, call, folder, list, waitDone };
}

describe('POST /contacts/import', () => {
  it('answers 202 with a process id, runs in the background and reports counters', async () => {
    const { acc, call, list, waitDone } = setup();
    await call('POST', '/contacts', { email: 'taken@x.io', attributes: { SMS: '+33612345678' } });
    const jsonBody = [
      ...Array.from({ length: 1200 }, (_, i) => ({ email: `i${i}@x.io`, attributes: { FIRSTNAME: `I${i}`, NOT_AN_ATTRIBUTE: 'ignored' } })),
      { email: 'nope', attributes: {} },
      { email: 'i1@x.io', attributes: {} },
      { email: 'clash@x.io', attributes: { SMS: '33612345678' } },
    ];
    const res = await call('POST', '/contacts/import', { jsonBody, listIds: [list] });
    expect(res.status).toBe(202);
    const { processId } = res.body as { processId: number };
    const first = await call('GET', `/processes/${processId}`);
    expect(['queued', 'in_process']).toContain((first.body as { status: string }).status);
    const done = await waitDone(processId);
    expect(done.info?.import).toMatchObject({ invalid_emails: 1, duplicate_email_id: 1, duplicate_phone_id: 1 });
    const state = sb.control.state(acc.apiKey);
    expect(state.contacts).toHaveLength(1201);
    expect(sb.control.getContact(acc.apiKey, 'i7@x.io')).toMatchObject({ attributes: { FIRSTNAME: 'I7' }, listIds: [list] });
  });

  it('honours updateExistingContacts=false and emptyContactsAttributes', async () => {
    const { acc, call, list, waitDone } = setup();
    await call('POST', '/contacts', { email: 'keep@x.io', attributes: { FIRSTNAME: 'Keep', LASTNAME: 'Me' } });
    const skip = await call('POST', '/contacts/import', { jsonBody: [{ email: 'keep@x.io', attributes: { FIRSTNAME: 'Changed' } }], listIds: [list], updateExistingContacts: false });
    await waitDone((skip.body as { processId: number }).processId);
    expect(sb.control.getContact(acc.apiKey, 'keep@x.io')?.attributes.FIRSTNAME).toBe('Keep');
    const keepEmpty = await call('POST', '/contacts/import', { jsonBody: [{ email: 'keep@x.io', attributes: { LASTNAME: '' } }], listIds: [list] });
    await waitDone((keepEmpty.body as { processId: number }).processId);
    expect(sb.control.getContact(acc.apiKey, 'keep@x.io')?.attributes.LASTNAME).toBe('Me');
    const erase = await call('POST', '/contacts/import', { jsonBody: [{ email: 'keep@x.io', attributes: { LASTNAME: '' } }], listIds: [list], emptyContactsAttributes: true });
    await waitDone((erase.body as { processId: number }).processId);
    expect(sb.control.getContact(acc.apiKey, 'keep@x.io')?.attributes.LASTNAME).toBeUndefined();
  });

  it('imports CSV fileBody into a new list and calls notifyUrl when done', async () => {
    const { acc, call, folder } = setup();
    const receiver = await startReceiver();
    try {
      const res = await call('POST', '/contacts/import', {
        fileBody: 'EMAIL;FIRSTNAME;EXT_ID\ncsv1@x.io;Ann;pd_1\ncsv2@x.io;Bob;pd_2\n',
        newList: { listName: 'From CSV', folderId: folder },
        notifyUrl: `${receiver.url}/done`,
      });
      expect(res.status).toBe(202);
      const note = await eventually(() => receiver.received[0]);
      expect(note.body).toMatchObject({ id: (res.body as { processId: number }).processId, status: 'completed' });
      const state = sb.control.state(acc.apiKey);
      expect(state.lists.find((l) => l.name === 'From CSV')?.contactIds).toHaveLength(2);
      expect(sb.control.getContact(acc.apiKey, 'pd_2')?.email).toBe('csv2@x.io');
    } finally {
      await receiver.close();
    }
  });

  it('fetches a fileUrl (CSV) and imports it', async () => {
    const { acc, call, list, waitDone } = setup();
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('EMAIL;LASTNAME\nurl1@x.io;One\nurl2@x.io;Two\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await call('POST', '/contacts/import', { fileUrl: `http://127.0.0.1:${port}/people.csv`, listIds: [list] });
      await waitDone((res.body as { processId: number }).processId);
      expect(sb.control.getContact(acc.apiKey, 'url2@x.io')?.attributes).toEqual({ LASTNAME: 'Two' });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses a body over 10 MB, no source, two sources, and unknown lists', async () => {
    const { call, list } = setup();
    const big = await call('POST', '/contacts/import', { fileBody: `EMAIL\n${'a'.repeat(10 * 1024 * 1024)}`, listIds: [list] });
    expect(big.status).toBe(400);
    expect((big.body as { code: string }).code).toBe('out_of_range');
    expect((await call('POST', '/contacts/import', { listIds: [list] })).status).toBe(400);
    expect((await call('POST', '/contacts/import', { fileBody: 'EMAIL\na@b.co', jsonBody: [], listIds: [list] })).status).toBe(400);
    expect((await call('POST', '/contacts/import', { jsonBody: [{ email: 'a@b.co' }] })).status).toBe(400);
    expect((await call('POST', '/contacts/import', { jsonBody: [{ email: 'a@b.co' }], listIds: [999] })).status).toBe(400);
    expect((await call('GET', '/processes/999')).body).toEqual({ code: 'invalid_parameter', message: 'processId is invalid' });
  });
});
