import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonRec } from '@/sandbox/pipedrive/model';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';
import { createRealtimeWorld, type RealtimeWorld } from '../helpers/realtime-world';

/**
 * Many people edited at once (a bulk edit, or a busy team): each edit is its own webhook, applied
 * by its own worker task, yet their contact updates must share `POST /contacts/batch` calls, or a
 * company sending more than 10 changes a second outruns Brevo's contacts budget for good.
 */
describe('concurrent person changes share Brevo batch calls', () => {
  let world: RealtimeWorld;
  let listener: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    world = await createRealtimeWorld({ seed: 47, users: 1, organizations: 8, persons: 60, deals: 30, activities: 0, leads: 0 }, { domain: 'coalesce-co', rateLimits: 'real' });
    const { listenForWebhooks } = await import('@/lib/engine/webhook-listener');
    listener = await listenForWebhooks(world.db.url, { concurrency: 8 });
  }, 180_000);
  afterAll(async () => {
    await listener?.stop();
    await world.closeAll();
  });

  it('writes N changed persons in fewer calls than N, and Brevo ends exactly as Pipedrive says', async () => {
    const c = world.pipedrive.control.company(world.domain);
    const contacts = new Set(world.brevo.control.state(world.brevoKey).contacts.map((x) => x.email));
    const emailOf = (p: PersonRec) => (p.emails.find((e) => e.primary) ?? p.emails[0])?.value.trim().toLowerCase() ?? '';
    const persons = [...c.persons.values()].filter((p) => !p.is_deleted && contacts.has(emailOf(p))).slice(0, 24);
    expect(persons.length).toBe(24);
    // Two edits of the same person too: the later one must be what Brevo keeps.
    const twice = persons[0]!;

    const since = world.brevo.control.requestLog(world.brevoKey).length;
    persons.forEach((p, i) => world.pipedrive.control.editPerson(world.domain, p.id, { last_name: `Coalesced${i}` }));
    world.pipedrive.control.editPerson(world.domain, twice.id, { last_name: 'CoalescedAgain' });
    await world.pipedrive.control.flushWebhooks();
    await world.settled(60_000);

    const batches = world.brevo.control.requestLog(world.brevoKey).slice(since).filter((r) => r.method === 'POST' && r.path === '/contacts/batch');
    console.info(`[measure] ${persons.length + 1} person changes → ${batches.length} POST /contacts/batch`);
    expect(batches.every((r) => r.status === 204 || r.status === 200)).toBe(true);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.length).toBeLessThan(persons.length);
    expect(world.brevo.control.getContact(world.brevoKey, emailOf(twice))?.attributes.LASTNAME).toBe('CoalescedAgain');
    expect(diffBrevo(world, expectedContacts(world))).toEqual([]);
  });
});
