import {
  fieldDefinitionSchema,
  pipedriveActivitySchema,
  pipedriveDealSchema,
  pipedriveLeadSchema,
  pipedriveOrganizationSchema,
  pipedrivePersonSchema,
  type FieldDefinition,
  type PipedriveActivity,
  type PipedriveDeal,
  type PipedriveLead,
  type PipedriveOrganization,
  type PipedrivePerson,
} from '../types';

/**
 * Record builders for the unit tests. They go through the same zod schemas the I/O layer uses,
 * so a test record always has the shape the planner really receives.
 */

export function person(overrides: Partial<PipedrivePerson> & { id: number }): PipedrivePerson {
  return pipedrivePersonSchema.parse({
    name: 'Ada Lovelace',
    first_name: 'Ada',
    last_name: 'Lovelace',
    emails: [{ value: 'ada@example.com', primary: true, label: 'work' }],
    phones: [],
    org_id: null,
    custom_fields: {},
    ...overrides,
  });
}

export function organization(overrides: Partial<PipedriveOrganization> & { id: number }): PipedriveOrganization {
  return pipedriveOrganizationSchema.parse({ name: 'Analytical Engines Ltd', custom_fields: {}, ...overrides });
}

export function deal(overrides: Partial<PipedriveDeal> & { id: number }): PipedriveDeal {
  return pipedriveDealSchema.parse({
    title: `Deal ${overrides.id}`,
    person_id: 1,
    pipeline_id: 1,
    stage_id: 1,
    status: 'open',
    value: 100,
    currency: 'EUR',
    ...overrides,
  });
}

export function lead(overrides: Partial<PipedriveLead> & { id: string }): PipedriveLead {
  return pipedriveLeadSchema.parse({ title: 'Lead', person_id: 1, ...overrides });
}

export function activity(overrides: Partial<PipedriveActivity> & { id: number }): PipedriveActivity {
  return pipedriveActivitySchema.parse({ type: 'call', subject: 'Intro call', person_id: 1, ...overrides });
}

export function field(overrides: Partial<FieldDefinition> & { field_key: string; field_type: string }): FieldDefinition {
  return fieldDefinitionSchema.parse({ field_name: overrides.field_key, ...overrides });
}

/** A 40-character key like the ones Pipedrive gives custom fields. */
export function hashKey(seed: string): string {
  return seed.repeat(40).slice(0, 40);
}
