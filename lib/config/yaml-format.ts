import type { SyncConfig } from '@/lib/sync/config';

/**
 * The spelling of the configuration file: the connector spec's snake_case keys under
 * `connectors.pipedrive`, mapped to the camelCase fields of SyncConfig. Parser and exporter
 * both read these tables, so the two cannot drift apart.
 */

export const listKeys = {
  all_contacts: 'allContacts',
  qualified_leads: 'qualifiedLeads',
  customers: 'customers',
  churned: 'churned',
  nurture: 'nurture',
} as const satisfies Record<string, keyof SyncConfig['lists']>;

export const syncKeys = ['persons', 'deals', 'organizations', 'activities', 'leads'] as const satisfies readonly (keyof SyncConfig['sync'])[];

/** Sections the spec shows as separate snippets: accepted nested or at the top of the file. */
export const sectionKeys = [
  'sync',
  'lists',
  'person_mapping',
  'organization_mapping',
  'deal_stage_mapping',
  'webhooks',
] as const;

export const settingKeys = [
  'enabled',
  'api_token',
  'company_domain',
  'default_currency',
  'default_phone_country',
  'delete_contact_on_person_delete',
  'replay_history_days',
] as const;

export const pipedriveKeys: readonly string[] = [...settingKeys, ...sectionKeys];

export const webhookKeys = ['event_action', 'event_object', 'brevo_event'] as const;

/** How an event rule's action is written back: v2 names, and `merged` for merge-only rules. */
export function eventActionText(rule: SyncConfig['eventRules'][number]): string {
  if (rule.mergeOnly) return 'merged';
  return rule.action === 'stage_change' ? 'stage_changed' : rule.action;
}
