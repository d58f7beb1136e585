import type { SandboxClock } from '../shared/clock';
import type { AccountRuntime } from './api-context';
import { BrevoAccount } from './brevo-account';
import { companyView } from './company-store';
import { FaultBook, type FaultSpec } from './faults';
import { processView } from './contact-import';
import { RATE_TABLES, type RateLimitMode, type SandboxRateLimiter } from './rate-limits';
import type { ContactRecord } from './types';
import { WebhookDispatcher, type WebhookDelivery } from './webhook-dispatcher';

export interface CreatedAccount {
  accountId: number;
  /** Full access. */
  apiKey: string;
  /** Authenticates but lacks permission: every call answers 403 permission_denied. */
  restrictedApiKey: string;
  /** Valid, but the account only accepts calls from allowlisted IPs and this one is not: 401. */
  ipBlockedApiKey: string;
}

export interface ContactState {
  id: number;
  email?: string;
  extId?: string;
  sms?: string;
  attributes: Record<string, unknown>;
  emailBlacklisted: boolean;
  smsBlacklisted: boolean;
  listIds: number[];
  listNames: string[];
  createdAt: string;
  modifiedAt: string;
}

export type KeyRole = 'full' | 'restricted' | 'ip_blocked';

/**
 * The sandbox-only control API (also served over HTTP under /_control/): creates accounts, shows their whole
 * state, acts as a marketer in the Brevo UI (which fires webhooks) and injects faults.
 */
export class BrevoControl {
  private readonly runtimes = new Map<number, AccountRuntime>();
  private readonly byKey = new Map<string, { rt: AccountRuntime; role: KeyRole }>();
  private nextAccountId = 1;

  constructor(
    readonly clock: SandboxClock,
    private readonly limiter: SandboxRateLimiter,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  createAccount(opts: { email?: string; companyName?: string } = {}): CreatedAccount {
    const accountId = this.nextAccountId++;
    // The account emits events into its dispatcher, which needs the account: tie the knot through a holder.
    const holder: { dispatcher?: WebhookDispatcher } = {};
    const account = new BrevoAccount(
      accountId,
      opts.email ?? `owner+${accountId}@sandbox-company.test`,
      opts.companyName ?? `Sandbox company ${accountId}`,
      () => this.clock.now(),
      (e) => holder.dispatcher?.dispatch(e),
    );
    const dispatcher = new WebhookDispatcher(account, this.fetchImpl);
    holder.dispatcher = dispatcher;
    const rt: AccountRuntime = { account, dispatcher, faults: new FaultBook(), fetchImpl: this.fetchImpl };
    this.runtimes.set(accountId, rt);
    this.byKey.set(account.keys.apiKey, { rt, role: 'full' });
    this.byKey.set(account.keys.restrictedApiKey, { rt, role: 'restricted' });
    this.byKey.set(account.keys.ipBlockedApiKey, { rt, role: 'ip_blocked' });
    return { accountId, ...account.keys };
  }

  /** Used by the server to authenticate a request. */
  lookupKey(apiKey: string): { rt: AccountRuntime; role: KeyRole } | undefined {
    return this.byKey.get(apiKey);
  }

  accounts(): { accountId: number; apiKey: string; companyName: string; contacts: number }[] {
    return [...this.runtimes.values()].map(({ account }) => ({ accountId: account.accountId, apiKey: account.keys.apiKey, companyName: account.companyName, contacts: account.contacts.size }));
  }

  runtime(apiKey: string): AccountRuntime {
    const found = this.byKey.get(apiKey);
    if (!found) throw new Error(`no sandbox account has the API key ${apiKey.slice(0, 16)}…`);
    return found.rt;
  }

  account(apiKey: string): BrevoAccount {
    return this.runtime(apiKey).account;
  }

  private contact(apiKey: string, identifier: string | number): { account: BrevoAccount; contact: ContactRecord } {
    const account = this.account(apiKey);
    const id = String(identifier);
    const contact = account.tryResolve(id, null, 'read') ?? account.findByExtId(id);
    if (!contact) throw new Error(`no contact ${id} in account ${account.accountId}`);
    return { account, contact };
  }

  // ------------------------------------------------------------ inspection

  contactState(account: BrevoAccount, c: ContactRecord): ContactState {
    const d = account.contactDetails(c) as { attributes: Record<string, unknown> };
    return {
      id: c.id,
      email: c.email,
      extId: c.extId,
      sms: c.sms,
      attributes: d.attributes,
      emailBlacklisted: c.emailBlacklisted,
      smsBlacklisted: c.smsBlacklisted,
      listIds: [...c.listIds],
      listNames: [...c.listIds].map((id) => account.lists.get(id)?.name ?? `#${id}`),
      createdAt: new Date(c.createdAt).toISOString(),
      modifiedAt: new Date(c.modifiedAt).toISOString(),
    };
  }

  /** The account's whole state as plain data (contacts with attributes and lists, events in order, ...). */
  state(apiKey: string) {
    const rt = this.runtime(apiKey);
    const { account } = rt;
    return {
      account: { accountId: account.accountId, email: account.ownerEmail, companyName: account.companyName },
      contacts: [...account.contacts.values()].map((c) => this.contactState(account, c)),
      attributes: [...account.attributes.values()],
      folders: [...account.folders.values()].map((f) => ({ id: f.id, name: f.name })),
      lists: [...account.lists.values()].map((l) => ({ id: l.id, name: l.name, folderId: l.folderId, contactIds: [...(account.listMembers.get(l.id) ?? [])] })),
      companies: [...account.companies.values()].map((c) => companyView(c) as { id: string; attributes: Record<string, unknown>; linkedContactsIds: number[]; linkedDealsIds: string[] }),
      companyAttributes: [...account.companyAttributes.values()],
      events: account.events.map((e) => ({ ...e })),
      webhooks: [...account.webhooks.values()].map((w) => ({ ...w })),
      deliveries: rt.dispatcher.deliveries.map((d) => ({ ...d })),
      processes: [...account.processes.values()].map((p) => ({ ...processView(p), rejected: p.importInfo?.rejected ?? [] })),
      droppedValues: account.dropped.map((d) => ({ ...d })),
      requests: account.requestLog.map((r) => ({ ...r })),
    };
  }

  getContact(apiKey: string, identifier: string | number): ContactState | undefined {
    const account = this.account(apiKey);
    const c = account.tryResolve(String(identifier), null, 'read') ?? account.findByExtId(String(identifier));
    return c ? this.contactState(account, c) : undefined;
  }

  requestLog(apiKey: string) {
    return this.account(apiKey).requestLog.map((r) => ({ ...r }));
  }

  deliveries(apiKey: string): WebhookDelivery[] {
    return this.runtime(apiKey).dispatcher.deliveries;
  }

  // ------------------------------------------------------------ marketer actions (they fire webhooks)

  unsubscribe(apiKey: string, identifier: string | number, campaignId?: number): void {
    const { account, contact } = this.contact(apiKey, identifier);
    account.unsubscribe(contact, campaignId);
  }

  blocklist(apiKey: string, identifier: string | number): void {
    const { account, contact } = this.contact(apiKey, identifier);
    account.blocklist(contact);
  }

  hardBounce(apiKey: string, identifier: string | number, campaignId?: number): void {
    const { account, contact } = this.contact(apiKey, identifier);
    account.hardBounce(contact, campaignId);
  }

  spamComplaint(apiKey: string, identifier: string | number, campaignId?: number): void {
    const { account, contact } = this.contact(apiKey, identifier);
    account.spamComplaint(contact, campaignId);
  }

  deleteContact(apiKey: string, identifier: string | number): void {
    const { account, contact } = this.contact(apiKey, identifier);
    account.deleteContact(contact);
  }

  addToList(apiKey: string, identifier: string | number, listId: number): void {
    const { account, contact } = this.contact(apiKey, identifier);
    if (!account.lists.has(listId)) throw new Error(`no list ${listId}`);
    account.addToList(listId, 'ids', [contact.id]);
  }

  editContact(apiKey: string, identifier: string | number, attributes: Record<string, unknown>): void {
    const { account, contact } = this.contact(apiKey, identifier);
    account.updateContact(contact, { attributes });
  }

  createFolder(apiKey: string, name: string): number {
    return this.account(apiKey).createFolder(name).id;
  }

  createList(apiKey: string, name: string, folderId: number): number {
    return this.account(apiKey).createList(name, folderId).id;
  }

  // ------------------------------------------------------------ faults, limits, webhooks

  injectFault(apiKey: string, fault: FaultSpec): void {
    this.runtime(apiKey).faults.add(fault);
  }

  clearFaults(apiKey: string): void {
    this.runtime(apiKey).faults.clear();
  }

  setRateLimits(mode: RateLimitMode): void {
    this.limiter.setTable(mode === 'off' ? null : RATE_TABLES[mode]);
  }

  flushWebhookBatches(apiKey: string): void {
    this.runtime(apiKey).dispatcher.flushBatches();
  }

  /** Resolves once every webhook delivery started so far has finished. */
  async webhooksIdle(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((rt) => rt.dispatcher.idle()));
  }
}
