import { z } from 'zod';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { BREVO_ATTRIBUTE_NAME, BREVO_COMPANY_ATTRIBUTE_NAME, BREVO_EVENT_NAME } from './brevo-names';
import {
  formatOrganizationSource,
  formatPersonSource,
  organizationSourceSchema,
  personSourceSchema,
  type PersonSource,
} from './mapping-source';

/**
 * One company's sync configuration. This is what the database stores and what the YAML file
 * (lib/config) reads and writes. Secrets never live here: the Pipedrive token belongs to the
 * installation, so a configuration can be exported and shared safely.
 */

export const brevoListIdSchema = z.number().int().positive();

/**
 * The contact's email identifier is written as the lower-case target `email` (as in the
 * connector spec's `email: email`); every other target is a Brevo attribute name.
 */
export const EMAIL_TARGET = 'email';

export const personMappingEntrySchema = z.object({
  source: personSourceSchema,
  attribute: z.union([
    z.literal(EMAIL_TARGET),
    z.string().regex(BREVO_ATTRIBUTE_NAME, 'Brevo attribute names are upper-case letters, digits and _'),
  ]),
});
export type PersonMappingEntry = z.infer<typeof personMappingEntrySchema>;

export const organizationMappingEntrySchema = z.object({
  source: organizationSourceSchema,
  attribute: z
    .string()
    .regex(BREVO_COMPANY_ATTRIBUTE_NAME, 'Brevo company attributes are lower-case internal names'),
});
export type OrganizationMappingEntry = z.infer<typeof organizationMappingEntrySchema>;

/**
 * Deal → list rules. Stage ids are unique across pipelines in Pipedrive, so a stage rule needs
 * no pipeline; "won" and "lost" exist in every pipeline, so they may be narrowed to one
 * (`pipelineId`), and a pipeline-specific rule wins over the company-wide one.
 */
export const stageRuleSchema = z.discriminatedUnion('match', [
  z.object({ match: z.literal('stage'), stageId: z.number().int().positive(), listId: brevoListIdSchema }),
  z.object({
    match: z.literal('won'),
    pipelineId: z.number().int().positive().nullable(),
    listId: brevoListIdSchema,
  }),
  z.object({
    match: z.literal('lost'),
    pipelineId: z.number().int().positive().nullable(),
    listId: brevoListIdSchema,
  }),
]);
export type StageRule = z.infer<typeof stageRuleSchema>;

export const eventObjects = ['person', 'deal', 'organization', 'activity', 'lead'] as const;
export type EventObject = (typeof eventObjects)[number];

/**
 * Webhook v2 actions, plus `stage_change`: a deal `change` whose stage really moved
 * (detectDealTransition), the connector spec's `deal.stage_changed` topic.
 */
export const eventActions = ['create', 'change', 'delete', 'stage_change'] as const;
export type EventAction = (typeof eventActions)[number];

export const eventRuleSchema = z
  .object({
    action: z.enum(eventActions),
    object: z.enum(eventObjects),
    /**
     * Webhooks v2 have no `merged` action: a merge arrives as a `change` of the survivor with
     * `meta.merged_from_id`. A v1 `merged` rule therefore becomes a `change` rule that only
     * fires for merges.
     */
    mergeOnly: z.boolean(),
    brevoEvent: z.string().regex(BREVO_EVENT_NAME, 'Brevo event names use letters, digits, - and _ (max 255)'),
  })
  .refine((rule) => !rule.mergeOnly || rule.action === 'change', {
    message: 'only change rules can be limited to merges',
    path: ['mergeOnly'],
  })
  .refine((rule) => rule.action !== 'stage_change' || rule.object === 'deal', {
    message: 'stage_change only exists for deals',
    path: ['object'],
  });
export type EventRule = z.infer<typeof eventRuleSchema>;

const listSlot = brevoListIdSchema.nullable();

export const syncConfigSchema = z
  .object({
    enabled: z.boolean(),
    /** `yourcompany` of yourcompany.pipedrive.com; informative, the installation is the truth. */
    companyDomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'the lower-case subdomain, e.g. yourcompany')
      .nullable(),
    sync: z.object({
      persons: z.boolean(),
      deals: z.boolean(),
      organizations: z.boolean(),
      activities: z.boolean(),
      leads: z.boolean(),
    }),
    lists: z.object({
      /** Every synced contact. */
      allContacts: listSlot,
      /** Contacts with at least one open deal. */
      qualifiedLeads: listSlot,
      /** Contacts with a won deal whose latest closed deal was not lost. */
      customers: listSlot,
      /** Former customers: a won deal in the past, but the latest closed deal was lost. */
      churned: listSlot,
      /** Contacts with an active (not archived) lead, for nurturing campaigns. */
      nurture: listSlot,
    }),
    personMapping: z.array(personMappingEntrySchema),
    organizationMapping: z.array(organizationMappingEntrySchema),
    stageRules: z.array(stageRuleSchema),
    eventRules: z.array(eventRuleSchema),
    /** ISO 3166 alpha-2 country used for phone numbers written without a country code. */
    defaultPhoneCountry: z
      .string()
      .refine((code): boolean => isSupportedCountry(code), 'not a country code libphonenumber knows (use e.g. FR, US)')
      .nullable(),
    /** ISO 4217 currency that `total_revenue` is expressed in. */
    defaultCurrency: z.string().regex(/^[A-Z]{3}$/, 'use a three-letter ISO 4217 code such as EUR'),
    deleteContactOnPersonDelete: z.boolean(),
    /**
     * How many days of past deal moves (and wins/losses) and activities a backfill replays as
     * events, up to when the company connected (0 = none; plan-history-replay.ts).
     */
    replayHistoryDays: z.number().int().min(0).max(365),
  })
  .superRefine((config, ctx) => {
    const seenAttributes = new Map<string, number>();
    config.personMapping.forEach((entry, index) => {
      const earlier = seenAttributes.get(entry.attribute);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['personMapping', index, 'attribute'],
          message: `attribute ${entry.attribute} is already filled by ${formatPersonSource(config.personMapping[earlier]!.source)}`,
        });
      } else seenAttributes.set(entry.attribute, index);
      if (entry.attribute === EMAIL_TARGET && !isEmailSource(entry.source)) {
        ctx.addIssue({
          code: 'custom',
          path: ['personMapping', index, 'attribute'],
          message: `only the email source can fill the contact's email, not ${formatPersonSource(entry.source)}`,
        });
      }
    });
    const seenCompany = new Map<string, number>();
    config.organizationMapping.forEach((entry, index) => {
      const earlier = seenCompany.get(entry.attribute);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['organizationMapping', index, 'attribute'],
          message: `company attribute ${entry.attribute} is already filled by ${formatOrganizationSource(config.organizationMapping[earlier]!.source)}`,
        });
      } else seenCompany.set(entry.attribute, index);
    });
    const seenEvents = new Set<string>();
    config.eventRules.forEach((rule, index) => {
      const key = `${rule.mergeOnly ? 'merged' : rule.action} ${rule.object} → ${rule.brevoEvent}`;
      if (seenEvents.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['eventRules', index], message: `the rule ${key} is listed twice and would send every event twice` });
      }
      seenEvents.add(key);
    });
    const seenRules = new Set<string>();
    config.stageRules.forEach((rule, index) => {
      const key = stageRuleKey(rule);
      if (seenRules.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['stageRules', index], message: `${key} has two rules` });
      }
      seenRules.add(key);
    });
  });
export type SyncConfig = z.infer<typeof syncConfigSchema>;

function isEmailSource(source: PersonSource): boolean {
  return source.kind === 'standard' && source.field === 'email';
}

/** A readable identity for a stage rule: `stage 3`, `won`, `won in pipeline 2`. */
export function stageRuleKey(rule: StageRule): string {
  if (rule.match === 'stage') return `stage ${rule.stageId}`;
  return rule.pipelineId === null ? rule.match : `${rule.match} in pipeline ${rule.pipelineId}`;
}

const v1Actions: Record<string, { action: EventAction; mergeOnly: boolean }> = {
  added: { action: 'create', mergeOnly: false },
  updated: { action: 'change', mergeOnly: false },
  merged: { action: 'change', mergeOnly: true },
  deleted: { action: 'delete', mergeOnly: false },
  create: { action: 'create', mergeOnly: false },
  change: { action: 'change', mergeOnly: false },
  delete: { action: 'delete', mergeOnly: false },
  stage_changed: { action: 'stage_change', mergeOnly: false },
  stage_change: { action: 'stage_change', mergeOnly: false },
};

/**
 * Accepts the v1 names the connector spec uses (added/updated/merged/deleted) and the v2 names
 * (create/change/delete), because Pipedrive's switch to webhooks v2 broke every integration
 * that matched v1 names literally.
 */
export function normalizeEventAction(action: string): { action: EventAction; mergeOnly: boolean } | null {
  return v1Actions[action.trim().toLowerCase()] ?? null;
}

export function eventActionNames(): string[] {
  return Object.keys(v1Actions);
}

function person(source: PersonSource, attribute: string): PersonMappingEntry {
  return { source, attribute };
}

/**
 * The connector spec's defaults. Lists and stage rules stay empty: the spec's list ids (60–64)
 * and stage ids (1–4) belong to its sample account and would point at someone else's lists.
 * Its `custom_fields.lead_source/industry/company_size` lines are left out for the same reason:
 * custom field keys are per-company hashes, so they can only come from the company's own fields.
 */
export function defaultSyncConfig(): SyncConfig {
  return {
    enabled: true,
    companyDomain: null,
    sync: { persons: true, deals: true, organizations: true, activities: true, leads: true },
    lists: { allContacts: null, qualifiedLeads: null, customers: null, churned: null, nurture: null },
    personMapping: [
      person({ kind: 'standard', field: 'email' }, EMAIL_TARGET),
      person({ kind: 'standard', field: 'name' }, 'FULLNAME'),
      person({ kind: 'standard', field: 'first_name' }, 'FIRSTNAME'),
      person({ kind: 'standard', field: 'last_name' }, 'LASTNAME'),
      person({ kind: 'standard', field: 'phone' }, 'SMS'),
      person({ kind: 'organization', field: 'name' }, 'COMPANY'),
      person({ kind: 'computed', field: 'won_deals_count' }, 'WON_DEALS'),
      person({ kind: 'computed', field: 'lost_deals_count' }, 'LOST_DEALS'),
      person({ kind: 'computed', field: 'open_deals_count' }, 'OPEN_DEALS'),
      person({ kind: 'computed', field: 'closed_deals_count' }, 'CLOSED_DEALS'),
      person({ kind: 'computed', field: 'total_revenue' }, 'LTV'),
    ],
    organizationMapping: [
      { source: { kind: 'standard', field: 'name' }, attribute: 'name' },
      { source: { kind: 'standard', field: 'website' }, attribute: 'domain' },
      { source: { kind: 'standard', field: 'employee_count' }, attribute: 'number_of_employees' },
      { source: { kind: 'standard', field: 'annual_revenue' }, attribute: 'revenue' },
    ],
    stageRules: [],
    eventRules: [
      { action: 'create', object: 'person', mergeOnly: false, brevoEvent: 'contact_created' },
      { action: 'change', object: 'person', mergeOnly: false, brevoEvent: 'contact_updated' },
      { action: 'create', object: 'deal', mergeOnly: false, brevoEvent: 'deal_created' },
      { action: 'change', object: 'deal', mergeOnly: false, brevoEvent: 'deal_updated' },
      { action: 'change', object: 'person', mergeOnly: true, brevoEvent: 'contact_merged' },
      { action: 'create', object: 'activity', mergeOnly: false, brevoEvent: 'activity_logged' },
    ],
    defaultPhoneCountry: null,
    defaultCurrency: 'USD',
    deleteContactOnPersonDelete: false,
    replayHistoryDays: 0,
  };
}

const syncToggleFor: Record<EventObject, keyof SyncConfig['sync']> = {
  person: 'persons',
  deal: 'deals',
  organization: 'organizations',
  activity: 'activities',
  lead: 'leads',
};

/**
 * The Brevo events a webhook should produce. A merge (`mergedFromId` set) matches both the
 * merge-only rules and the plain change rules, since the survivor did change; a plain change
 * matches only the plain rules. `stage_change` rules match when the caller saw a real stage move.
 */
export function selectEventRules(
  config: SyncConfig,
  webhook: { action: 'create' | 'change' | 'delete'; object: string; merged: boolean; stageChanged?: boolean },
): EventRule[] {
  const toggle = syncToggleFor[webhook.object as EventObject];
  // An object whose sync is switched off sends no events either: the toggle is the one switch.
  if (toggle === undefined || !config.sync[toggle]) return [];
  return config.eventRules.filter((rule) => {
    if (rule.object !== webhook.object) return false;
    if (rule.action === 'stage_change') return webhook.action === 'change' && webhook.stageChanged === true;
    if (rule.action !== webhook.action) return false;
    return !rule.mergeOnly || webhook.merged;
  });
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()].flat();
}

/**
 * The same configuration in the order the YAML file writes it: mapping entries of one source
 * together (the file keys mappings by source), then stage rules, company-wide won/lost, and
 * per-pipeline won/lost grouped by pipeline. Order carries no meaning anywhere in the sync, so
 * this changes nothing but makes "export then import" return an identical object.
 */
export function canonicalSyncConfig(config: SyncConfig): SyncConfig {
  const rank = (rule: StageRule) => (rule.match === 'stage' ? 0 : rule.pipelineId === null ? 1 : 2);
  const stageRules = [0, 1, 2].flatMap((wanted) => config.stageRules.filter((rule) => rank(rule) === wanted));
  return {
    ...config,
    personMapping: groupBy(config.personMapping, (entry) => formatPersonSource(entry.source)),
    organizationMapping: groupBy(config.organizationMapping, (entry) => formatOrganizationSource(entry.source)),
    stageRules: groupBy(stageRules, (rule) => (rank(rule) === 2 && rule.match !== 'stage' ? `pipeline ${rule.pipelineId}` : stageRuleKey(rule))),
  };
}
