/**
 * The pure core of the sync: Pipedrive records + configuration in, Brevo operations out.
 * Nothing here performs I/O or reads the clock; the job layer fetches, calls these and writes.
 */
export * from './types';
export {
  syncConfigSchema,
  defaultSyncConfig,
  canonicalSyncConfig,
  normalizeEventAction,
  selectEventRules,
  stageRuleKey,
  eventObjects,
  eventActions,
  EMAIL_TARGET,
  type SyncConfig,
  type PersonMappingEntry,
  type OrganizationMappingEntry,
  type StageRule,
  type EventRule,
  type EventAction,
  type EventObject,
} from './config';
export {
  parsePersonSource,
  formatPersonSource,
  parseOrganizationSource,
  formatOrganizationSource,
  knownPersonSourceNames,
  knownOrganizationSourceNames,
  standardPersonFields,
  computedPersonFields,
  personOrganizationFields,
  standardOrganizationFields,
  type PersonSource,
  type OrganizationSource,
} from './mapping-source';
export { selectPrimaryEmail, normalizeEmail } from './select-primary-email';
export { normalizePhone, selectPrimaryPhone } from './normalize-phone';
export { convertCustomFieldValue, type BrevoAttributeType, type ConversionContext } from './convert-custom-field-value';
export { computePersonDealStats, type PersonDealStats } from './compute-person-deal-stats';
export { planListMembership, type ListMembershipPlan } from './plan-list-membership';
export { mapPersonToContact, personExtId, type PersonContactInput } from './map-person-to-contact';
export { mapOrganizationToCompany, websiteToDomain } from './map-organization-to-company';
export { detectDealTransition, dealWebhookDataSchema, type DealTransition, type DealWebhookData } from './detect-deal-transition';
export { buildDealStageChangedEvent, DEFAULT_DEAL_STAGE_CHANGED_EVENT } from './build-deal-stage-changed-event';
export { buildActivityLoggedEvent, DEFAULT_ACTIVITY_LOGGED_EVENT } from './build-activity-logged-event';
export { fitEventProperties } from './fit-event-properties';
export { contactHash, contentHash } from './contact-hash';
export { diffContacts, type ContactDiff, type CurrentContact } from './diff-contacts';
export { planContactSync, type ContactLink, type ContactSyncInput, type ContactSyncPlan } from './plan-contact-sync';
export { planPersonRemoval, type PersonRemovalInput } from './plan-person-removal';
export { buildEntityEvent, type EntityEventInput } from './build-entity-event';
export { webhookEventDate } from './webhook-event-date';
export { planAttributeProvisioning, type AttributeProvisioningPlan, type RequiredAttribute } from './plan-attribute-provisioning';
export {
  activityLoggedInWindow,
  historyReplayWindow,
  inHistoryWindow,
  planDealHistoryEvents,
  replayedDealChanges,
  type DealHistoryEventsInput,
  type HistoryWindow,
  type PlannedHistoryEvent,
  type ReplayedDealChange,
} from './plan-history-replay';
export {
  BREVO_ATTRIBUTE_NAME,
  BREVO_COMPANY_ATTRIBUTE_NAME,
  BREVO_EVENT_NAME,
  BREVO_PHONE_ATTRIBUTES,
  suggestAttributeName,
  suggestEventName,
} from './brevo-names';
export { planWebhookEvents, webhookBodySchema, type WebhookBody, type WebhookEvents, type WebhookEventsInput } from './plan-webhook-events';
export { previewConfigChange, type ConfigChangePreviewInput } from './preview-config-change';
