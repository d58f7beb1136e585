import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DealRec, PersonRec } from '@/sandbox/pipedrive/model';
import { diffBrevo, expectedContacts } from '../helpers/expected-brevo';
import { createRealtimeWorld, type RealtimeWorld } from '../helpers/realtime-world';

/**
 * Real time end to end: a backfilled company whose webhooks are registered with the Pipedrive
 * sandbox; a user works in Pipedrive, the sandbox delivers real webhooks to the ingest route, a
 * pg-boss worker applies them, and after each action Brevo's contacts, lists and event log must
 * be exactly what Pipedrive now implies (independent expectation, tests/helpers/expected-brevo).
 */
describe('real-time sync through webhooks', () => {
  let w: RealtimeWorld;
  const company = () => w.pipedrive.control.company(w.domain);
  const state = () => w.brevo.control.state(w.brevoKey);
  const writes = () => w.brevo.control.requestLog(w.brevoKey).filter((r) => r.method !== 'GET').length;
  const emailOf = (p: PersonRec) => (p.emails.find((e) => e.primary) ?? p.emails[0])?.value.trim().toLowerCase() ?? '';
  const contactOf = (email: string) => state().contacts.find((c) => c.email === email);
  const appLists = () => new Set([w.lists.all, w.lists.won, w.lists.lost, w.lists.nurture, ...w.lists.stages.values()]);

  /** Acts as the user, lets the sandbox deliver, and waits until everything is applied and sent; returns the new Brevo events. */
  async function act<T>(fn: () => T | Promise<T>): Promise<{ result: T; events: ReturnType<typeof state>['events'] }> {
    const before = state().events.length;
    const deliveries = w.pipedrive.control.deliveries().length;
    const result = await fn();
    await w.pipedrive.control.flushWebhooks();
    const fresh = w.pipedrive.control.deliveries().slice(deliveries);
    expect(fresh.length).toBeGreaterThan(0);
    for (const d of fresh) expect(d).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
    await w.settled();
    return { result, events: state().events.slice(before) };
  }

  /** A live person with an email, a Brevo contact, and `deals` open deals (exactly), and no leads. */
  function personWith(deals: number, exclude: readonly number[] = []): PersonRec {
    const c = company();
    const p = [...c.persons.values()].find(
      (x) =>
        !x.is_deleted &&
        !exclude.includes(x.id) &&
        contactOf(emailOf(x)) !== undefined &&
        [...c.persons.values()].filter((y) => !y.is_deleted && emailOf(y) === emailOf(x)).length === 1 &&
        [...c.deals.values()].filter((d) => !d.is_deleted && d.person_id === x.id).length === deals &&
        [...c.deals.values()].filter((d) => !d.is_deleted && d.person_id === x.id && d.status === 'open').length === deals &&
        ![...c.leads.values()].some((l) => !l.is_deleted && l.person_id === x.id),
    );
    if (!p) throw new Error(`the seed has no person with ${deals} open deal(s) left`);
    return p;
  }
  const openDealOf = (p: PersonRec): DealRec => [...company().deals.values()].find((d) => !d.is_deleted && d.person_id === p.id && d.status === 'open')!;

  beforeAll(async () => {
    w = await createRealtimeWorld({ seed: 11, users: 1, organizations: 6, persons: 60, deals: 40, activities: 0, leads: 4 }, { domain: 'realtime-co' });
    await w.startWorker(2);
    // The backfill matched Pipedrive exactly and sent no events: the starting point of every check.
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
    expect(state().events).toEqual([]);
  }, 120_000);
  afterAll(async () => w.closeAll());

  it('a stage move sends one deal_stage_changed and moves the contact from the old stage list to the new one', async () => {
    const person = personWith(1);
    const deal = openDealOf(person);
    const from = deal.stage_id;
    const to = [...company().stages.values()].find((s) => s.pipeline_id === deal.pipeline_id && s.id !== from)!.id;
    expect(contactOf(emailOf(person))!.listIds).toContain(w.lists.stages.get(from));

    const { events } = await act(() => w.pipedrive.control.moveDeal(w.domain, deal.id, to));
    const moved = events.filter((e) => e.eventName === 'deal_stage_changed');
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ identifiers: { email_id: emailOf(person) }, eventProperties: { deal_id: deal.id, previous_stage_id: from, stage_id: to, status: 'open' } });
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
    const lists = contactOf(emailOf(person))!.listIds;
    expect(lists).toContain(w.lists.stages.get(to));
    expect(lists).not.toContain(w.lists.stages.get(from));

    // An edit that does not touch the stage (previous holds only what changed) is no transition.
    const edited = await act(() => company().updateDeal(deal.id, (d) => (d.title = `${d.title} (renamed)`), { userId: company().adminUserId, source: 'app' }));
    expect(edited.events.filter((e) => e.eventName === 'deal_stage_changed')).toEqual([]);
    expect(edited.events.map((e) => e.eventName)).toEqual(['deal_updated']);
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
  });

  it('won and lost each send one deal_stage_changed and put the contact on the won or lost list, off the stage list', async () => {
    const winner = personWith(1);
    const loser = personWith(1, [winner.id]);
    const won = openDealOf(winner);
    const lost = openDealOf(loser);

    const a = await act(() => w.pipedrive.control.setDealStatus(w.domain, won.id, 'won'));
    const wonEvents = a.events.filter((e) => e.eventName === 'deal_stage_changed');
    expect(wonEvents).toHaveLength(1);
    expect(wonEvents[0]).toMatchObject({ identifiers: { email_id: emailOf(winner) }, eventProperties: { deal_id: won.id, status: 'won', previous_status: 'open', stage_id: won.stage_id } });
    const b = await act(() => w.pipedrive.control.setDealStatus(w.domain, lost.id, 'lost'));
    const lostEvents = b.events.filter((e) => e.eventName === 'deal_stage_changed');
    expect(lostEvents).toHaveLength(1);
    expect(lostEvents[0]).toMatchObject({ identifiers: { email_id: emailOf(loser) }, eventProperties: { deal_id: lost.id, status: 'lost', previous_status: 'open' } });
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
    expect(contactOf(emailOf(winner))!.listIds).toContain(w.lists.won);
    expect(contactOf(emailOf(winner))!.listIds).not.toContain(w.lists.stages.get(won.stage_id));
    expect(contactOf(emailOf(winner))!.attributes).toMatchObject({ WON_DEALS: 1, OPEN_DEALS: 0 });
    expect(contactOf(emailOf(loser))!.listIds).toContain(w.lists.lost);
    expect(contactOf(emailOf(loser))!.attributes).toMatchObject({ LOST_DEALS: 1, OPEN_DEALS: 0 });
  });

  it('a person edit updates the contact and sends contact_updated', async () => {
    const person = personWith(0);
    const { events } = await act(() => w.pipedrive.control.editPerson(w.domain, person.id, { first_name: 'Renata', last_name: 'Realtime' }));
    expect(events.map((e) => e.eventName)).toEqual(['contact_updated']);
    expect(contactOf(emailOf(person))!.attributes).toMatchObject({ FIRSTNAME: 'Renata', LASTNAME: 'Realtime', FULLNAME: 'Renata Realtime' });
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
  });

  it('a merge into a person with a contact: the survivor gets the deals, the merged-away contact is kept but leaves every app list', async () => {
    const from = personWith(1);
    const into = personWith(0, [from.id]);
    const fromEmail = emailOf(from);
    const deal = openDealOf(from);
    const contacts = state().contacts.length;

    const { events } = await act(() => w.pipedrive.control.mergePersons(w.domain, from.id, into.id));
    const merged = events.filter((e) => e.eventName === 'contact_merged');
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ identifiers: { email_id: emailOf(into) }, eventProperties: { merged_from_id: from.id } });
    // No contact was created; the merged-away one stays with its history but in none of the app's lists.
    expect(state().contacts).toHaveLength(contacts);
    expect(contactOf(fromEmail)!.listIds.filter((l) => appLists().has(l))).toEqual([]);
    expect(diffBrevo(w, expectedContacts(w))).toEqual([`${fromEmail}: in Brevo but not expected`]);
    const survivor = contactOf(emailOf(into))!;
    expect(survivor.listIds).toContain(w.lists.stages.get(deal.stage_id));
    expect(survivor.attributes).toMatchObject({ OPEN_DEALS: 1 });
    // The merged-away contact is detached for good: a later move of its old deal touches only the survivor.
    await act(() => w.pipedrive.control.moveDeal(w.domain, deal.id, [...company().stages.values()].find((s) => s.pipeline_id === deal.pipeline_id && s.id !== deal.stage_id)!.id));
    expect(contactOf(fromEmail)!.listIds.filter((l) => appLists().has(l))).toEqual([]);
    expect(diffBrevo(w, expectedContacts(w))).toEqual([`${fromEmail}: in Brevo but not expected`]);
    await removeFromBrevo(fromEmail);
  });

  it('a merge into a person without a contact re-points the link: the same Brevo contact now belongs to the survivor', async () => {
    const { result: bare } = await act(() => w.pipedrive.control.createPerson(w.domain, { name: 'Nomail Survivor' }));
    const from = personWith(1);
    const fromEmail = emailOf(from);
    const brevoId = contactOf(fromEmail)!.id;
    const contacts = state().contacts.length;

    await act(() => w.pipedrive.control.mergePersons(w.domain, from.id, bare.id));
    expect(state().contacts).toHaveLength(contacts);
    const contact = contactOf(fromEmail)!;
    expect(contact.id).toBe(brevoId);
    expect(contact.attributes).toMatchObject({ EXT_ID: `pd_person_${bare.id}`, OPEN_DEALS: 1 });
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
  });

  it('a deleted person keeps the contact (default setting) but leaves every app list, and sends nothing', async () => {
    const person = personWith(0);
    const email = emailOf(person);
    expect(contactOf(email)!.listIds).toContain(w.lists.all);
    const { events } = await act(() => w.pipedrive.control.deletePerson(w.domain, person.id));
    expect(events).toEqual([]);
    expect(contactOf(email)).toBeDefined();
    expect(contactOf(email)!.listIds.filter((l) => appLists().has(l))).toEqual([]);
    expect(diffBrevo(w, expectedContacts(w))).toEqual([`${email}: in Brevo but not expected`]);
    await removeFromBrevo(email);
  });

  it('with deletions switched on in the settings, a deleted person deletes the contact', async () => {
    const { loadSyncConfig, saveSyncConfig } = await import('@/lib/engine/config-store');
    const { prisma } = await import('@/lib/db/prisma');
    const original = await loadSyncConfig(prisma(), w.companyId);
    await saveSyncConfig(prisma(), w.companyId, { ...original, deleteContactOnPersonDelete: true });
    try {
      const person = personWith(0);
      const email = emailOf(person);
      const contacts = state().contacts.length;
      const { events } = await act(() => w.pipedrive.control.deletePerson(w.domain, person.id));
      expect(events).toEqual([]);
      expect(contactOf(email)).toBeUndefined();
      expect(state().contacts).toHaveLength(contacts - 1);
      expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
    } finally {
      await saveSyncConfig(prisma(), w.companyId, original);
    }
  });

  it('a logged activity sends activity_logged for the deal person', async () => {
    const person = personWith(1);
    const deal = openDealOf(person);
    const { events } = await act(() => w.pipedrive.control.logActivity(w.domain, { subject: 'Discovery call', type: 'call', dealId: deal.id }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventName: 'activity_logged', identifiers: { email_id: emailOf(person) } });
    expect(JSON.stringify(events[0]!.eventProperties)).toContain('Discovery call');
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
  });

  it('a lead created for a person puts the contact on the nurture list; archiving it takes it off', async () => {
    const person = personWith(0);
    const email = emailOf(person);
    expect(contactOf(email)!.listIds).not.toContain(w.lists.nurture);
    const c = company();
    const user = { userId: c.adminUserId, source: 'app' as const };
    const { result: lead } = await act(() =>
      c.createLead({ title: 'Inbound interest', owner_id: c.adminUserId, creator_id: c.adminUserId, label_ids: [], person_id: person.id, organization_id: null, source_name: 'Manually created', is_archived: false, was_seen: false, value: null, expected_close_date: null, custom_fields: {} }, user),
    );
    expect(contactOf(email)!.listIds).toContain(w.lists.nurture);
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);

    await act(() => c.updateLead(lead.id, (l) => (l.is_archived = true), user));
    expect(contactOf(email)!.listIds).not.toContain(w.lists.nurture);
    expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
  });

  it("event rules written in the spec's webhook terms (v1 action names included) decide what is sent, from the next event on", async () => {
    const { loadSyncConfig, saveSyncConfig } = await import('@/lib/engine/config-store');
    const { normalizeEventAction } = await import('@/lib/sync/config');
    const { prisma } = await import('@/lib/db/prisma');
    const original = await loadSyncConfig(prisma(), w.companyId);
    // As the connector spec's `webhooks` section writes them: event_action + event_object → Brevo event.
    const spec = [
      { event_action: 'updated', event_object: 'deal', brevo_event: 'pd_deal_edited' },
      { event_action: 'stage_changed', event_object: 'deal', brevo_event: 'pd_deal_moved' },
      { event_action: 'added', event_object: 'activity', brevo_event: 'pd_activity_added' },
    ];
    const eventRules = spec.map((r) => ({ ...normalizeEventAction(r.event_action)!, object: r.event_object as 'deal' | 'activity', brevoEvent: r.brevo_event }));
    expect(eventRules.map((r) => r.action)).toEqual(['change', 'stage_change', 'create']);
    await saveSyncConfig(prisma(), w.companyId, { ...original, eventRules });
    try {
      const person = personWith(1);
      const deal = openDealOf(person);
      const to = [...company().stages.values()].find((s) => s.pipeline_id === deal.pipeline_id && s.id !== deal.stage_id)!.id;
      const moved = await act(() => w.pipedrive.control.moveDeal(w.domain, deal.id, to));
      expect(moved.events.map((e) => e.eventName).sort()).toEqual(['pd_deal_edited', 'pd_deal_moved']);
      expect(moved.events.find((e) => e.eventName === 'pd_deal_moved')).toMatchObject({ eventProperties: { deal_id: deal.id, stage_id: to } });
      const logged = await act(() => w.pipedrive.control.logActivity(w.domain, { subject: 'Demo', dealId: deal.id }));
      expect(logged.events.map((e) => e.eventName)).toEqual(['pd_activity_added']);
      // A person edit matches no rule now: the contact is updated, no event is sent.
      const edited = await act(() => w.pipedrive.control.editPerson(w.domain, person.id, { first_name: 'Configured' }));
      expect(edited.events).toEqual([]);
      expect(diffBrevo(w, expectedContacts(w))).toEqual([]);
    } finally {
      await saveSyncConfig(prisma(), w.companyId, original);
    }
  });

  it("the app's own change through the API (an echo) is recognized: no Brevo write, no event", async () => {
    const person = personWith(0);
    const { pipedriveForCompany } = await import('@/lib/engine/pipedrive-access');
    const client = await pipedriveForCompany(w.companyId);
    const writesBefore = writes();
    const { events } = await act(() => client.updatePerson(person.id, { name: 'Written By Pipebridge' }));
    // The delivery really was ours: change_source api, by the installing user.
    const echo = w.pipedrive.control.deliveries().at(-1)!.body as { meta: { change_source: string; user_id: string; entity_id: string } };
    expect(echo.meta).toMatchObject({ change_source: 'api', user_id: String(company().adminUserId), entity_id: String(person.id) });
    expect(events).toEqual([]);
    expect(writes()).toBe(writesBefore);
  });

  /** Takes a contact the app deliberately left behind out of Brevo, so later expectations stay exact. */
  async function removeFromBrevo(email: string): Promise<void> {
    const { brevoClientForCompany } = await import('@/lib/accounts/brevo-connection');
    await (await brevoClientForCompany(w.companyId))!.deleteContact(email, 'email_id');
    expect(contactOf(email)).toBeUndefined();
  }
});
