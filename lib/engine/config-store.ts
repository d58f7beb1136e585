import type { Prisma, PrismaClient } from '../generated/prisma/client';
import {
  defaultSyncConfig,
  formatOrganizationSource,
  formatPersonSource,
  parseOrganizationSource,
  parsePersonSource,
  stageRuleKey,
  syncConfigSchema,
  type EventAction,
  type EventObject,
  type StageRule,
  type SyncConfig,
} from '../sync';

/**
 * A company's sync configuration lives in relational rows (settings, field mappings, stage
 * rules, event rules) so that the UI can edit one rule at a time; the sync core works with one
 * validated SyncConfig object. These two functions translate between them.
 */
export async function loadSyncConfig(db: PrismaClient | Prisma.TransactionClient, companyId: string): Promise<SyncConfig> {
  const [company, settings, mappings, stageRules, eventRules] = await Promise.all([
    db.company.findUniqueOrThrow({ where: { id: companyId }, select: { companyDomain: true } }),
    db.syncSettings.findUnique({ where: { companyId } }),
    db.fieldMapping.findMany({ where: { companyId }, orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] }),
    db.stageListRule.findMany({ where: { companyId }, orderBy: { createdAt: 'asc' } }),
    db.eventRule.findMany({ where: { companyId, enabled: true }, orderBy: { createdAt: 'asc' } }),
  ]);
  const defaults = defaultSyncConfig();
  if (!settings) return { ...defaults, companyDomain: company.companyDomain };
  const personMapping = mappings
    .filter((m) => m.object === 'person' && m.direction !== 'to_pipedrive')
    .flatMap((m) => {
      const source = parsePersonSource(m.pipedriveFieldKey);
      return source ? [{ source, attribute: m.brevoAttribute }] : [];
    });
  const organizationMapping = mappings
    .filter((m) => m.object === 'organization')
    .flatMap((m) => {
      const source = parseOrganizationSource(m.pipedriveFieldKey);
      return source ? [{ source, attribute: m.brevoAttribute }] : [];
    });
  const rules: StageRule[] = stageRules.map((r) =>
    r.kind === 'stage' ? { match: 'stage', stageId: r.stageId!, listId: r.brevoListId } : { match: r.kind, pipelineId: r.pipelineId, listId: r.brevoListId },
  );
  return syncConfigSchema.parse({
    enabled: settings.syncEnabled,
    companyDomain: company.companyDomain,
    sync: { persons: settings.syncPersons, deals: settings.syncDeals, organizations: settings.syncOrganizations, activities: settings.syncActivities, leads: settings.syncLeads },
    lists: { allContacts: settings.allContactsListId, qualifiedLeads: settings.qualifiedLeadsListId, customers: settings.customersListId, churned: settings.churnedListId, nurture: settings.nurtureListId },
    personMapping,
    organizationMapping,
    stageRules: rules,
    eventRules: eventRules.map((r) => ({ action: r.eventAction as EventAction, object: r.eventObject as EventObject, mergeOnly: r.mergeOnly, brevoEvent: r.brevoEventName })),
    defaultPhoneCountry: settings.defaultPhoneCountry,
    defaultCurrency: settings.defaultCurrency,
    deleteContactOnPersonDelete: settings.deleteContactOnPersonDelete,
    replayHistoryDays: settings.replayHistoryDays,
  } satisfies SyncConfig);
}

/** Replaces the company's configuration with `config` in one transaction. */
export async function saveSyncConfig(db: PrismaClient, companyId: string, input: SyncConfig): Promise<void> {
  const config = syncConfigSchema.parse(input);
  await db.$transaction(async (tx) => {
    const settings = {
      syncEnabled: config.enabled,
      syncPersons: config.sync.persons,
      syncDeals: config.sync.deals,
      syncOrganizations: config.sync.organizations,
      syncActivities: config.sync.activities,
      syncLeads: config.sync.leads,
      allContactsListId: config.lists.allContacts,
      qualifiedLeadsListId: config.lists.qualifiedLeads,
      customersListId: config.lists.customers,
      churnedListId: config.lists.churned,
      nurtureListId: config.lists.nurture,
      defaultPhoneCountry: config.defaultPhoneCountry,
      defaultCurrency: config.defaultCurrency,
      deleteContactOnPersonDelete: config.deleteContactOnPersonDelete,
      replayHistoryDays: config.replayHistoryDays,
    };
    await tx.syncSettings.upsert({ where: { companyId }, create: { companyId, ...settings }, update: settings });
    await tx.fieldMapping.deleteMany({ where: { companyId } });
    await tx.fieldMapping.createMany({
      data: [
        ...config.personMapping.map((m, i) => ({ companyId, object: 'person' as const, pipedriveFieldKey: formatPersonSource(m.source), brevoAttribute: m.attribute, position: i })),
        ...config.organizationMapping.map((m, i) => ({ companyId, object: 'organization' as const, pipedriveFieldKey: formatOrganizationSource(m.source), brevoAttribute: m.attribute, position: i })),
      ],
    });
    await tx.stageListRule.deleteMany({ where: { companyId } });
    await tx.stageListRule.createMany({
      data: config.stageRules.map((r) => ({
        companyId,
        kind: r.match,
        stageId: r.match === 'stage' ? r.stageId : null,
        pipelineId: r.match === 'stage' ? null : r.pipelineId,
        brevoListId: r.listId,
        matchKey: stageRuleKey(r),
      })),
    });
    await tx.eventRule.deleteMany({ where: { companyId } });
    await tx.eventRule.createMany({
      data: config.eventRules.map((r) => ({ companyId, eventAction: r.action, eventObject: r.object, brevoEventName: r.brevoEvent, mergeOnly: r.mergeOnly })),
      skipDuplicates: true,
    });
  });
}
