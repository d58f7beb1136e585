export { BrevoClient, LIST_CHUNK, BATCH_UPDATE_CHUNK, IMPORT_MAX_BYTES } from './brevo-client';
export type {
  BatchContactUpdate,
  BrevoClientOptions,
  BrevoEventInput,
  CompanyInput,
  ContactInput,
  ContactKey,
  ContactPatch,
  IdentifierType,
  ImportOptions,
  ImportRecord,
  ImportResult,
  UpsertOutcome,
  WebhookInput,
} from './brevo-client';
export { BrevoError, type BrevoErrorKind } from './brevo-error';
export type { BrevoLogger } from './brevo-transport';
export type { RecordOutcome, RecordRejectReason } from './record-outcome';
export { ADVANCED_TIER_POLICIES, GENERAL_TIER_POLICIES, brevoBudgetKey, brevoFamilyOf, type BrevoFamily } from './rate-families';
export type * from './brevo-schemas';
