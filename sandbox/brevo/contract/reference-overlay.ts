import type { OpenApiDoc } from './spec-validator';

/*
 * Facts newer than the 2024 OpenAPI snapshot, taken from the project's Brevo reference notes
 * (brevo-api.md: §6 events, §3 attributes, §2.9 processes, §4 lists, §5.1 CRM attributes), applied to a copy
 * of the spec so contract tests check the API as it is today. Each patch says which note it encodes.
 */

type Json = Record<string, unknown>;
const errorModel = { $ref: '#/components/schemas/errorModel' };
const jsonBody = (schema: unknown) => ({ content: { 'application/json': { schema } } });

const NAME = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_-]+$' };

/** §6.1: one event as POST /events takes it (contact_id and booleans are 2025-26 additions). */
export const eventSchema = {
  type: 'object',
  required: ['event_name', 'identifiers'],
  additionalProperties: false,
  properties: {
    event_name: NAME,
    event_date: { type: 'string', format: 'date-time' },
    identifiers: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: {
        contact_id: { type: 'integer' },
        email_id: { type: 'string', format: 'email' },
        ext_id: { type: 'string', minLength: 1 },
        phone_id: { type: 'string' },
        whatsapp_id: { type: 'string' },
        landline_number_id: { type: 'string' },
      },
    },
    contact_properties: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
    event_properties: { type: 'object', propertyNames: NAME, additionalProperties: true },
    object: {
      type: 'object',
      required: ['type', 'identifiers'],
      properties: { type: { type: 'string' }, identifiers: { type: 'object', properties: { ext_id: { type: 'string' }, id: { type: 'string' } } } },
    },
  },
};

export function withReferenceNotes(spec: OpenApiDoc): OpenApiDoc {
  const doc = structuredClone(spec);
  const schemas = doc.components.schemas as Record<string, Json & { properties?: Record<string, Json> }>;

  doc.paths['/events'] = {
    post: {
      requestBody: { required: true, ...jsonBody(eventSchema) },
      responses: { 204: { description: 'event recorded' }, 400: jsonBody(errorModel), 401: jsonBody(errorModel) },
    },
  };
  // §6.2: the docs' { events: [...] } body; 202 all accepted, 207 partial with 0-based indexes.
  doc.paths['/events/batch'] = {
    post: {
      requestBody: { required: true, ...jsonBody({ type: 'object', required: ['events'], additionalProperties: false, properties: { events: { type: 'array', minItems: 1, items: eventSchema } } }) },
      responses: {
        202: jsonBody({ type: 'object', required: ['message', 'count'], additionalProperties: false, properties: { message: { type: 'string' }, count: { type: 'integer' } } }),
        207: jsonBody({
          type: 'object',
          required: ['total_events', 'successful_events', 'failed_events', 'errors'],
          additionalProperties: false,
          properties: {
            status: { type: 'string' },
            total_events: { type: 'integer' },
            successful_events: { type: 'integer' },
            failed_events: { type: 'integer' },
            errors: {
              type: 'array',
              items: { type: 'object', required: ['eventIndex', 'message'], properties: { eventIndex: { type: 'array', items: { type: 'integer', minimum: 0 } }, message: { type: 'string' } } },
            },
          },
        }),
        400: jsonBody(errorModel),
      },
    },
  };
  // §5.1: the 2026 SDK reads company attributes from /crm/attributes/companies and creates them at /crm/attributes.
  doc.paths['/crm/attributes/companies'] = { get: { responses: { 200: jsonBody({ $ref: '#/components/schemas/CompanyAttributes' }) } } };
  doc.paths['/crm/attributes'] = {
    post: {
      requestBody: {
        required: true,
        ...jsonBody({
          type: 'object',
          required: ['label', 'attributeType', 'objectType'],
          additionalProperties: false,
          properties: {
            label: { type: 'string', maxLength: 50 },
            attributeType: { enum: ['text', 'user', 'number', 'single-select', 'date', 'boolean', 'multi-choice'] },
            objectType: { enum: ['companies', 'deals'] },
            description: { type: 'string' },
            optionsLabels: { type: 'array', items: { type: 'string' } },
          },
        }),
      },
      responses: { 201: jsonBody({ type: 'object', properties: { id: { type: 'string' } } }), 400: jsonBody(errorModel) },
    },
  };

  // §3: attribute types multiple-choice and user, and multiCategoryOptions, exist since the 2024 snapshot.
  const attrItem = (schemas.getAttributes?.properties?.attributes)?.items as { properties: Record<string, Json> } | undefined;
  if (attrItem) {
    attrItem.properties.type = { type: 'string', enum: ['text', 'date', 'float', 'id', 'boolean', 'multiple-choice', 'user'] };
    attrItem.properties.multiCategoryOptions = { type: 'array', items: { type: 'string' } };
  }
  // §2.9: newer process statuses and the import counters.
  const proc = schemas.getProcess?.properties;
  if (proc) {
    proc.status = { type: 'string', enum: ['queued', 'in_process', 'processing', 'completed', 'failed', 'cancelled'] };
    proc.error = { type: 'string' };
    proc.created_at = { type: 'string' };
    proc.completed_at = { type: 'string' };
    proc.info = { type: 'object', properties: { import: { type: 'object', additionalProperties: { type: 'integer' } } } };
  }
  // §4: list add/remove echo extIds too (spec examples), and an empty array must not match two oneOf branches.
  const info = schemas.postContactInfo?.properties?.contacts as { properties: Record<string, Json> } | undefined;
  if (info) {
    const ids = { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'integer' } }] };
    info.properties.success = ids;
    info.properties.failure = ids;
    info.properties.processId = { type: 'integer' };
  }
  // §4: list add/remove take exactly one of emails, ids, extIds (or all). The spec's variants declare no
  // `required`, so every body would match all of them and fail its oneOf; each variant requires its own key.
  for (const [name, key] of [
    ['addContactToListByEmails', 'emails'],
    ['addContactToListByIDs', 'ids'],
    ['addContactToListByExtIDs', 'extIds'],
    ['removeContactFromListByEmails', 'emails'],
    ['removeContactFromListByIDs', 'ids'],
    ['removeContactFromListByExtIDs', 'extIds'],
    ['removeContactFromListByAll', 'all'],
  ] as const) {
    const variant = schemas[name];
    if (variant) variant.required = [key];
  }
  // §7.1: inbound webhooks are listed with their type; `channel` is a 2026 create option.
  const hook = schemas.getWebhook?.properties;
  if (hook) hook.type = { type: 'string', enum: ['marketing', 'transactional', 'inbound'] };
  const create = schemas.createWebhook?.properties;
  if (create) create.channel = { type: 'string', enum: ['email', 'sms'] };
  // §8.2: the body code of a 429 is not documented; the sandbox answers too_many_requests, and 500s internal_error.
  const code = schemas.errorModel?.properties?.code as { enum?: string[] } | undefined;
  code?.enum?.push('too_many_requests', 'internal_error');
  return doc;
}
