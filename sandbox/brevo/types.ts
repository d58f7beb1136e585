/** In-memory state of one sandboxed Brevo account. Ids are numbers except companies (24-hex, as Brevo's CRM). */

export type AttributeCategory = 'normal' | 'transactional' | 'category' | 'calculated' | 'global';
export type AttributeType = 'text' | 'date' | 'float' | 'boolean' | 'id' | 'category' | 'multiple-choice' | 'user';
export type AttributeValue = string | number | boolean | string[];

export interface AttributeDef {
  name: string;
  category: AttributeCategory;
  type?: AttributeType;
  enumeration?: { value: number; label: string }[];
  multiCategoryOptions?: string[];
  calculatedValue?: string;
}

export interface ContactRecord {
  id: number;
  email?: string;
  extId?: string;
  sms?: string;
  attributes: Map<string, AttributeValue>;
  emailBlacklisted: boolean;
  smsBlacklisted: boolean;
  listIds: Set<number>;
  smtpBlacklistSender: string[];
  createdAt: number;
  modifiedAt: number;
  userUnsubscriptions: { campaignId: number; eventTime: number }[];
  adminUnsubscriptions: { eventTime: number }[];
  hardBounces: { campaignId: number; eventTime: number }[];
  complaints: { campaignId: number; eventTime: number }[];
}

export interface FolderRecord {
  id: number;
  name: string;
  createdAt: number;
}

export interface ListRecord {
  id: number;
  name: string;
  folderId: number;
  createdAt: number;
}

export interface CompanyAttributeDef {
  internalName: string;
  label: string;
  attributeTypeName: 'text' | 'number' | 'date' | 'boolean' | 'single-select' | 'multi-choice' | 'user';
  attributeOptions: { key: string; value: string }[];
  isRequired: boolean;
}

export interface CompanyRecord {
  id: string;
  attributes: Record<string, unknown>;
  linkedContactsIds: Set<number>;
  linkedDealsIds: Set<string>;
  createdAt: number;
  modifiedAt: number;
}

export interface EventRecord {
  /** Order of arrival in the account, 1-based. */
  seq: number;
  eventName: string;
  eventDate: string;
  identifiers: Record<string, string | number>;
  contactId: number | null;
  contactProperties: Record<string, unknown>;
  eventProperties: Record<string, unknown>;
  receivedAt: number;
  via: 'single' | 'batch';
}

export interface WebhookRecord {
  id: number;
  url: string;
  description: string;
  events: string[];
  type: 'transactional' | 'marketing' | 'inbound';
  batched: boolean;
  auth?: { type: string; token: string };
  headers?: { key: string; value: string }[];
  createdAt: number;
  modifiedAt: number;
}

export interface ImportCounters {
  invalid_emails: number;
  duplicate_contact_id: number;
  duplicate_ext_id: number;
  duplicate_email_id: number;
  duplicate_phone_id: number;
  duplicate_whatsapp_id: number;
  duplicate_landline_number_id: number;
}

export interface ProcessRecord {
  id: number;
  name: string;
  status: 'queued' | 'in_process' | 'completed' | 'failed';
  createdAt: number;
  completedAt?: number;
  error?: string;
  importInfo?: ImportCounters & { created: number; updated: number; skipped: number; rejected: { row: number; reason: string }[] };
}

export interface DroppedValue {
  at: number;
  contactId: number | null;
  attribute: string;
  value: unknown;
  reason: 'unknown_attribute' | 'type_mismatch' | 'not_upper_case';
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  family: string;
  status: number;
}
