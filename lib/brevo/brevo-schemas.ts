import { z } from 'zod';

/** Response shapes the client relies on. Unknown fields are stripped; missing required ones are a contract break. */

export const attributeValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export type BrevoAttributeValue = z.infer<typeof attributeValueSchema>;

export const accountSchema = z.object({
  email: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  companyName: z.string(),
  plan: z.array(z.object({ type: z.string(), credits: z.number(), creditsType: z.string() })),
  marketingAutomation: z.object({ key: z.string().optional(), enabled: z.boolean() }).optional(),
});
export type BrevoAccountInfo = z.infer<typeof accountSchema>;

export const contactSchema = z.object({
  id: z.number().int(),
  email: z.string().optional(),
  emailBlacklisted: z.boolean(),
  smsBlacklisted: z.boolean(),
  createdAt: z.string(),
  modifiedAt: z.string(),
  listIds: z.array(z.number().int()),
  listUnsubscribed: z.array(z.number().int()).optional(),
  attributes: z.record(z.string(), z.unknown()),
});
export type BrevoContact = z.infer<typeof contactSchema>;

export const contactWithStatsSchema = contactSchema.extend({
  statistics: z
    .object({
      unsubscriptions: z
        .object({
          userUnsubscription: z.array(z.object({ campaignId: z.number(), eventTime: z.string() })).optional(),
          adminUnsubscription: z.array(z.object({ eventTime: z.string() })).optional(),
        })
        .optional(),
    })
    .passthrough()
    .optional(),
});
export type BrevoContactWithStats = z.infer<typeof contactWithStatsSchema>;

export const contactListSchema = z.object({ contacts: z.array(contactSchema), count: z.number().int() });
export const createdIdSchema = z.object({ id: z.number().int() });
export const createdContactSchema = z.object({ id: z.number().int() }).optional();
export const processIdSchema = z.object({ processId: z.number().int() });

export const attributeDefSchema = z.object({
  name: z.string(),
  category: z.string(),
  type: z.string().optional(),
  enumeration: z.array(z.object({ value: z.number(), label: z.string() })).optional(),
  multiCategoryOptions: z.array(z.string()).optional(),
});
export type BrevoAttributeDef = z.infer<typeof attributeDefSchema>;
export const attributesSchema = z.object({ attributes: z.array(attributeDefSchema) });

export const listSchema = z.object({ id: z.number().int(), name: z.string(), folderId: z.number().int().optional(), uniqueSubscribers: z.number().optional() });
export type BrevoList = z.infer<typeof listSchema>;
export const listsPageSchema = z.object({ lists: z.array(listSchema).optional(), count: z.number().int().optional() });
export const folderSchema = z.object({ id: z.number().int(), name: z.string() });
export type BrevoFolder = z.infer<typeof folderSchema>;
export const foldersPageSchema = z.object({ folders: z.array(folderSchema).optional(), count: z.number().int().optional() });

const idOrEmail = z.union([z.string(), z.number()]);
export const membershipResultSchema = z.object({
  contacts: z.object({ success: z.array(idOrEmail).optional(), failure: z.array(idOrEmail).optional(), total: z.number().optional(), processId: z.number().optional() }),
});

export const processSchema = z.object({
  id: z.number().int(),
  status: z.string(),
  name: z.string(),
  error: z.string().optional(),
  info: z.object({ import: z.record(z.string(), z.number()).optional() }).optional(),
});
export type BrevoProcess = z.infer<typeof processSchema>;

export const companySchema = z.object({
  id: z.string(),
  attributes: z.record(z.string(), z.unknown()).default({}),
  linkedContactsIds: z.array(z.number().int()).default([]),
  linkedDealsIds: z.array(z.string()).default([]),
});
export type BrevoCompany = z.infer<typeof companySchema>;
export const companyIdSchema = z.object({ id: z.string() });
export const companiesPageSchema = z.object({ items: z.array(companySchema).default([]) });
export const companyAttributeSchema = z.object({
  internalName: z.string(),
  label: z.string(),
  attributeTypeName: z.string(),
  attributeOptions: z.array(z.unknown()).optional(),
  isRequired: z.boolean().optional(),
});
export type BrevoCompanyAttribute = z.infer<typeof companyAttributeSchema>;

export const eventBatchAcceptedSchema = z.union([
  z.object({ message: z.string(), count: z.number().int() }),
  z.object({
    status: z.string().optional(),
    total_events: z.number().int(),
    successful_events: z.number().int(),
    failed_events: z.number().int(),
    errors: z.array(z.object({ eventIndex: z.array(z.number().int()), message: z.string() })),
  }),
]);

export const webhookSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  description: z.string().optional(),
  events: z.array(z.string()),
  type: z.string(),
  batched: z.boolean().optional(),
  createdAt: z.string().optional(),
  modifiedAt: z.string().optional(),
});
export type BrevoWebhook = z.infer<typeof webhookSchema>;
export const webhooksSchema = z.object({ webhooks: z.array(webhookSchema) });
