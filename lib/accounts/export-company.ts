import { prisma } from '../db/prisma';

const SECRET = '[encrypted secret: not exported]';

/**
 * Everything the app stores about a company, as JSON (GDPR access request). Secrets are named
 * but never exported, in plaintext or encrypted.
 */
export async function exportCompanyData(companyId: string): Promise<Record<string, unknown>> {
  const db = prisma();
  const where = { companyId };
  const [company, installations, brevo, settings, fieldMappings, stageListRules, eventRules, recordLinks, syncCursors, syncRuns, recordIssues, webhookEvents, webhookRejections, webhookRegistrations, outboundEvents] =
    await Promise.all([
      db.company.findUnique({ where: { id: companyId } }),
      db.installation.findMany({ where }),
      db.brevoConnection.findUnique({ where }),
      db.syncSettings.findUnique({ where }),
      db.fieldMapping.findMany({ where }),
      db.stageListRule.findMany({ where }),
      db.eventRule.findMany({ where }),
      db.recordLink.findMany({ where }),
      db.syncCursor.findMany({ where }),
      db.syncRun.findMany({ where }),
      db.recordIssue.findMany({ where }),
      db.webhookEvent.findMany({ where }),
      db.webhookRejection.findMany({ where }),
      db.webhookRegistration.findMany({ where }),
      db.outboundEvent.findMany({ where }),
    ]);
  return JSON.parse(
    JSON.stringify(
      {
        exportedAt: new Date().toISOString(),
        company: company && { ...company, webhookPasswordEnc: company.webhookPasswordEnc ? SECRET : null },
        installations: installations.map((i) => ({ ...i, accessTokenEnc: i.accessTokenEnc ? SECRET : null, refreshTokenEnc: i.refreshTokenEnc ? SECRET : null, apiTokenEnc: i.apiTokenEnc ? SECRET : null })),
        brevoConnection: brevo && { ...brevo, apiKeyEnc: SECRET, webhookTokenEnc: brevo.webhookTokenEnc ? SECRET : null },
        syncSettings: settings,
        fieldMappings,
        stageListRules,
        eventRules,
        recordLinks,
        syncCursors,
        syncRuns,
        recordIssues,
        webhookEvents,
        webhookRejections,
        webhookRegistrations,
        outboundEvents,
      },
      (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    ),
  ) as Record<string, unknown>;
}
