import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWebhookV2, WEBHOOK_V2_DATA_SCHEMAS, WEBHOOK_V2_META_KEYS } from '@/lib/pipedrive/schemas/webhook-payload-v2';
import { uninstallBodySchema, webhookV1PayloadSchema } from '@/lib/pipedrive/schemas/webhook-payload-v1';
import { SandboxClock } from '../shared/clock';
import { listen, readRequest, type RunningServer } from '../shared/http';
import { startPipedriveSandbox, type CompanyInfo, type RunningPipedriveSandbox } from './index';
import { BAN_THRESHOLD } from './webhook-dispatcher';

interface Received {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

const clock = new SandboxClock();
let sb: RunningPipedriveSandbox;
let co: CompanyInfo;
let receiver: RunningServer;
let received: Received[] = [];
let mode: 'ok' | 'fail' | 'hang' = 'ok';

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((r) => setImmediate(r));
  }
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: { data: { id: number } } & Record<string, unknown> }> {
  const res = await fetch(`${co.apiDomain}${path}`, { method, headers: { 'x-api-token': co.apiToken, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data: { id: number } } & Record<string, unknown> };
}

async function subscribe(object: string, action = '*'): Promise<number> {
  const r = await api('POST', '/v1/webhooks', { subscription_url: `${receiver.url}/hooks/${object}`, event_action: action, event_object: object, name: `test ${object}`, http_auth_user: 'hookuser', http_auth_password: 's3cret', version: '2.0' });
  expect(r.status).toBe(201);
  return r.body.data.id;
}

/** Checks a delivered body against the schema written from the webhook v2 docs, key by key. */
function contractErrors(body: Record<string, unknown>): string[] {
  const parsed = parseWebhookV2(body);
  if (!parsed.ok) return [parsed.error];
  const errors: string[] = [];
  const meta = body.meta as Record<string, unknown>;
  for (const k of Object.keys(meta)) if (!(WEBHOOK_V2_META_KEYS as readonly string[]).includes(k)) errors.push(`meta.${k} is not documented`);
  const known = Object.keys(WEBHOOK_V2_DATA_SCHEMAS[parsed.event.entity].shape);
  for (const part of ['data', 'previous'] as const) {
    const v = body[part] as Record<string, unknown> | null;
    if (v) for (const k of Object.keys(v)) if (!known.includes(k)) errors.push(`${part}.${k} is not documented for ${parsed.event.entity}`);
  }
  return errors;
}

beforeAll(async () => {
  receiver = await listen((req, res) => {
    void (async () => {
      const r = await readRequest(req);
      received.push({ method: r.method, path: r.path, authorization: r.headers.authorization, body: (r.body ?? {}) as Record<string, unknown> });
      if (mode === 'hang') return;
      res.writeHead(mode === 'ok' ? 200 : 500);
      res.end();
    })();
  });
  sb = await startPipedriveSandbox({ clock });
  co = sb.control.createCompany({ domain: 'hooks', seed: { persons: 20, organizations: 3, deals: 5, activities: 3, leads: 3 } });
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});
beforeEach(() => {
  received = [];
  mode = 'ok';
  for (const w of sb.control.webhooks('hooks')) sb.control.company('hooks').webhooks.delete(w.id);
});

describe('webhook v2 delivery', () => {
  it('delivers API creates with change_source api, Basic auth and the documented payload', async () => {
    await subscribe('person');
    const created = await api('POST', '/api/v2/persons', { name: 'Hook Person', emails: [{ value: 'hook@example.com' }] });
    await sb.control.flushWebhooks();
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.method).toBe('POST');
    expect(r.authorization).toBe(`Basic ${Buffer.from('hookuser:s3cret').toString('base64')}`);
    expect(r.body.meta).toMatchObject({ action: 'create', entity: 'person', entity_id: String(created.body.data.id), change_source: 'api', attempt: 1, version: '2.0', company_id: String(co.id) });
    expect(r.body.previous).toBeNull();
    expect(contractErrors(r.body)).toEqual([]);
  });

  it('sends only the changed fields as previous for a UI edit (change_source app)', async () => {
    await subscribe('person', 'change');
    sb.control.editPerson('hooks', 3, { first_name: 'Renamed' });
    await sb.control.flushWebhooks();
    const body = received[0]!.body;
    const before = body.previous as Record<string, unknown>;
    expect(body.meta).toMatchObject({ action: 'change', change_source: 'app' });
    expect(Object.keys(before).sort()).toEqual(['first_name', 'name']);
    expect((body.data as Record<string, unknown>).first_name).toBe('Renamed');
    expect(contractErrors(body)).toEqual([]);
  });

  it('reports a stage move as previous {stage_id}', async () => {
    await subscribe('deal', 'change');
    const deal = sb.control.deal('hooks', 1)!;
    const target = [...sb.control.company('hooks').stages.values()].find((s) => s.id !== deal.stage_id)!;
    const old = deal.stage_id;
    sb.control.moveDeal('hooks', 1, target.id);
    await sb.control.flushWebhooks();
    expect(received[0]!.body.previous).toEqual({ stage_id: old });
    expect(contractErrors(received[0]!.body)).toEqual([]);
  });

  it('sends a merge as delete (merged_to_id) plus change (merged_from_id)', async () => {
    await subscribe('person');
    await api('PUT', '/v1/persons/7/merge', { merge_with_id: 8 });
    await sb.control.flushWebhooks();
    const del = received.find((r) => (r.body.meta as Record<string, unknown>).action === 'delete')!;
    const chg = received.find((r) => (r.body.meta as Record<string, unknown>).merged_from_id !== undefined)!;
    expect(del.body.meta).toMatchObject({ entity_id: '7', merged_to_id: '8' });
    expect(del.body.data).toBeNull();
    expect((del.body.previous as Record<string, unknown>).id).toBe(7);
    expect(chg.body.meta).toMatchObject({ action: 'change', entity_id: '8', merged_from_id: '7' });
    for (const r of received) expect(contractErrors(r.body)).toEqual([]);
  });

  it('produces documented payloads for every entity and action', async () => {
    await subscribe('*');
    const c = sb.control.company('hooks');
    const ui = { userId: co.adminUserId, source: 'app' as const };
    const org = (await api('POST', '/api/v2/organizations', { name: 'Hook Org' })).body.data.id;
    await api('PATCH', `/api/v2/organizations/${org}`, { name: 'Hook Org 2' });
    const deal = (await api('POST', '/api/v2/deals', { title: 'Hook Deal', org_id: org, value: 10, currency: 'EUR' })).body.data.id;
    await api('PATCH', `/api/v2/deals/${deal}`, { status: 'won' });
    const act = (await api('POST', '/api/v2/activities', { subject: 'Hook call', type: 'call', deal_id: deal })).body.data.id;
    await api('PATCH', `/api/v2/activities/${act}`, { done: true });
    await api('DELETE', `/api/v2/activities/${act}`);
    const lead = await fetch(`${co.apiDomain}/v1/leads`, { method: 'POST', headers: { 'x-api-token': co.apiToken, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Hook lead', organization_id: org }) });
    const leadId = ((await lead.json()) as { data: { id: string } }).data.id;
    await fetch(`${co.apiDomain}/v1/leads/${leadId}`, { method: 'PATCH', headers: { 'x-api-token': co.apiToken, 'content-type': 'application/json' }, body: JSON.stringify({ is_archived: true }) });
    const pipe = c.createPipeline({ name: 'Hooks', order_nr: 9, is_deal_probability_enabled: false }, ui);
    c.createStage({ name: 'Hook stage', order_nr: 1, pipeline_id: pipe.id, deal_probability: 10 }, ui);
    await api('DELETE', `/api/v2/deals/${deal}`);
    await sb.control.flushWebhooks();
    const seen = new Set(received.map((r) => { const m = r.body.meta as Record<string, unknown>; return `${String(m.entity)}.${String(m.action)}`; }));
    expect([...seen].sort()).toEqual(['activity.change', 'activity.create', 'activity.delete', 'deal.change', 'deal.create', 'deal.delete', 'lead.change', 'lead.create', 'organization.change', 'organization.create', 'pipeline.create', 'stage.create']);
    const lastLead = received.filter((r) => (r.body.meta as Record<string, unknown>).entity === 'lead').pop()!;
    expect(lastLead.body.previous).toEqual({ is_archived: false });
    for (const r of received) expect(contractErrors(r.body)).toEqual([]);
  });

  it('fails the contract check on a deliberately wrong body', async () => {
    await subscribe('person');
    sb.control.editPerson('hooks', 4, { name: 'Mismatch Test' });
    await sb.control.flushWebhooks();
    const good = received[0]!.body;
    expect(contractErrors(good)).toEqual([]);
    expect(contractErrors({ ...good, data: { ...(good.data as object), visible_to: 3 } })).not.toEqual([]);
    expect(contractErrors({ ...good, data: { ...(good.data as object), nickname: 'x' } })).not.toEqual([]);
    expect(contractErrors({ ...good, meta: { ...(good.meta as object), entity_id: 4 } })).not.toEqual([]);
  });
});

describe('legacy webhook v1 delivery', () => {
  it('sends updated.<object> with full current and previous objects, and merges as merged + deleted', async () => {
    const r = await api('POST', '/v1/webhooks', { subscription_url: `${receiver.url}/v1hook`, event_action: '*', event_object: 'person', name: 'legacy', version: '1.0' });
    expect(r.status).toBe(201);
    expect((await api('POST', '/v1/webhooks', { subscription_url: `${receiver.url}/v1hook`, event_action: 'change', event_object: 'person', name: 'bad', version: '1.0' })).status).toBe(400);
    sb.control.editPerson('hooks', 10, { name: 'Legacy Edit' });
    await sb.control.flushWebhooks();
    const body = webhookV1PayloadSchema.parse(received[0]!.body);
    expect(body).toMatchObject({ event: 'updated.person', retry: 0, meta: { action: 'updated', object: 'person', id: 10, company_id: co.id, change_source: 'app' } });
    expect((body.current as Record<string, unknown>).name).toBe('Legacy Edit');
    expect((body.previous as Record<string, unknown>).name).not.toBe('Legacy Edit');
    received = [];
    sb.control.mergePersons('hooks', 11, 12);
    await sb.control.flushWebhooks();
    expect(received.map((x) => x.body.event).sort()).toEqual(['deleted.person', 'merged.person']);
  });
});

describe('webhook retries, ban and deletion', () => {
  it('retries after 3, 30 and 150 s on the sandbox clock, then stops', async () => {
    const id = await subscribe('organization');
    mode = 'fail';
    sb.control.company('hooks').updateOrganization(1, (o) => (o.name = 'Retry Org'), { userId: co.adminUserId, source: 'app' });
    await sb.control.flushWebhooks();
    expect(received).toHaveLength(1);
    await sb.control.advanceClock(2_900);
    expect(received).toHaveLength(1);
    await sb.control.advanceClock(100);
    expect(received).toHaveLength(2);
    await sb.control.advanceClock(30_000);
    expect(received).toHaveLength(3);
    await sb.control.advanceClock(150_000);
    expect(received).toHaveLength(4);
    await sb.control.advanceClock(3_600_000);
    expect(received).toHaveLength(4);
    expect(received.map((r) => (r.body.meta as Record<string, unknown>).attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(received.map((r) => (r.body.meta as Record<string, unknown>).id)).size).toBe(1);
    expect(sb.control.deliveries().filter((d) => d.webhookId === id).every((d) => d.outcome === 'failed' && d.httpStatus === 500)).toBe(true);
  });

  it('times out a receiver that does not answer within 10 s and retries', async () => {
    await subscribe('organization');
    mode = 'hang';
    sb.control.company('hooks').updateOrganization(2, (o) => (o.name = 'Slow Org'), { userId: co.adminUserId, source: 'app' });
    await until(() => received.length === 1, 'first attempt');
    mode = 'ok';
    await sb.control.advanceClock(10_000);
    const first = sb.control.deliveries().filter((d) => d.url.endsWith('/hooks/organization')).pop()!;
    expect(first.outcome).toBe('timeout');
    await sb.control.advanceClock(3_000);
    expect(received).toHaveLength(2);
    expect(sb.control.deliveries().pop()!.outcome).toBe('delivered');
  });

  it('bans a webhook for 30 minutes after 10 failed first attempts, dropping events', async () => {
    const id = await subscribe('activity');
    mode = 'fail';
    for (let i = 0; i < BAN_THRESHOLD; i++) sb.control.logActivity('hooks', { subject: `fail ${i}` });
    await sb.control.flushWebhooks();
    expect(received).toHaveLength(BAN_THRESHOLD);
    const w = sb.control.webhooks('hooks').find((x) => x.id === id)!;
    // Real milliseconds pass too (the sandbox clock is Date.now plus the advanced offset).
    expect(w.banned_until! - clock.now()).toBeGreaterThan(30 * 60_000 - 1000);
    expect(w.banned_until! - clock.now()).toBeLessThanOrEqual(30 * 60_000);
    mode = 'ok';
    sb.control.logActivity('hooks', { subject: 'during ban' });
    await sb.control.advanceClock(200_000);
    // Retries were dropped with the ban and the new event was lost.
    expect(received).toHaveLength(BAN_THRESHOLD);
    expect(sb.control.deliveries().filter((d) => d.webhookId === id && d.outcome === 'dropped_banned')).toHaveLength(1);
    await sb.control.advanceClock(30 * 60_000);
    sb.control.logActivity('hooks', { subject: 'after ban' });
    await sb.control.flushWebhooks();
    expect(received).toHaveLength(BAN_THRESHOLD + 1);
  });

  it('deletes a webhook after 3 days without a successful delivery', async () => {
    const id = await subscribe('stage');
    mode = 'fail';
    sb.control.company('hooks').createStage({ name: 'S1', order_nr: 9, pipeline_id: 1, deal_probability: 50 }, { userId: co.adminUserId, source: 'app' });
    await sb.control.flushWebhooks();
    await sb.control.advanceClock(3 * 864e5);
    sb.control.company('hooks').createStage({ name: 'S2', order_nr: 10, pipeline_id: 1, deal_probability: 50 }, { userId: co.adminUserId, source: 'app' });
    await sb.control.flushWebhooks();
    expect(sb.control.webhooks('hooks').some((w) => w.id === id)).toBe(false);
  });

  it('refuses the 41st webhook of a user with 422', async () => {
    for (let i = 0; i < 40; i++) await subscribe('note');
    const r = await api('POST', '/v1/webhooks', { subscription_url: `${receiver.url}/x`, event_action: '*', event_object: 'note', name: 'one too many' });
    expect(r.status).toBe(422);
  });
});

describe('uninstall', () => {
  it('sends DELETE with Basic client credentials to the callback and drops tokens and app webhooks', async () => {
    const app = sb.control.registerApp({ redirectUri: `${receiver.url}/callback` });
    const tokens = sb.control.issueTokens({ clientId: app.clientId, domain: 'hooks' });
    const created = await fetch(`${co.apiDomain}/api/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subscription_url: `${receiver.url}/app-hook`, event_action: '*', event_object: 'deal', name: 'app hook' }),
    });
    expect(created.status).toBe(201);
    const result = await sb.control.uninstall({ clientId: app.clientId, domain: 'hooks' });
    expect(result).toMatchObject({ status: 200, removedWebhooks: 1 });
    const del = received.find((r) => r.method === 'DELETE')!;
    expect(del.path).toBe('/callback');
    expect(del.authorization).toBe(`Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`);
    expect(uninstallBodySchema.parse(del.body)).toMatchObject({ client_id: app.clientId, company_id: co.id, user_id: co.adminUserId });
    const after = await fetch(`${co.apiDomain}/api/v1/users/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(after.status).toBe(401);
  });
});
