import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultSyncConfig } from '@/lib/sync/config';
import { parseConfigYaml, type ConfigError } from './parse-config-yaml';

const sample = readFileSync(new URL('./fixtures/connector-spec-sample.yaml', import.meta.url), 'utf8');

function errorsOf(text: string): ConfigError[] {
  const result = parseConfigYaml(text);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

/** Wraps settings in `connectors: pipedrive:` with the right indentation. */
function file(body: string): string {
  const indented = body
    .trim()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `connectors:\n  pipedrive:\n${indented}\n`;
}

describe('parseConfigYaml: the connector spec sample', () => {
  const result = parseConfigYaml(sample);

  it('imports cleanly', () => {
    expect(result.ok).toBe(true);
  });

  it('reads every section', () => {
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { config } = result;
    expect(config.enabled).toBe(true);
    expect(config.companyDomain).toBe('yourcompany');
    expect(config.lists).toEqual({ allContacts: 60, qualifiedLeads: 61, customers: 62, churned: 63, nurture: null });
    expect(config.personMapping).toHaveLength(14);
    expect(config.personMapping[5]).toEqual({ source: { kind: 'organization', field: 'name' }, attribute: 'COMPANY' });
    expect(config.personMapping[13]).toEqual({ source: { kind: 'custom', key: 'company_size' }, attribute: 'COMPANY_SIZE' });
    expect(config.stageRules).toEqual([
      { match: 'stage', stageId: 1, listId: 61 },
      { match: 'stage', stageId: 2, listId: 61 },
      { match: 'stage', stageId: 3, listId: 62 },
      { match: 'stage', stageId: 4, listId: 62 },
      { match: 'won', pipelineId: null, listId: 63 },
      { match: 'lost', pipelineId: null, listId: 64 },
    ]);
    expect(config.eventRules).toEqual(defaultSyncConfig().eventRules);
  });

  it('never keeps the api_token and says so', () => {
    if (!result.ok) throw new Error('expected success');
    expect(JSON.stringify(result.config)).not.toContain('token-that-must-not-be-kept');
    expect(result.notices).toEqual([expect.objectContaining({ path: 'connectors.pipedrive.api_token', line: 5, column: 5 })]);
  });

  it('also accepts the spec’s sections written at the top of the file', () => {
    const text = `connectors:\n  pipedrive:\n    enabled: false\nperson_mapping:\n  email: email\n  job_title: JOB_TITLE\ndeal_stage_mapping:\n  7: 70\n`;
    const parsed = parseConfigYaml(text);
    expect(parsed.ok && parsed.config.personMapping).toEqual([
      { source: { kind: 'standard', field: 'email' }, attribute: 'email' },
      { source: { kind: 'standard', field: 'job_title' }, attribute: 'JOB_TITLE' },
    ]);
    expect(parsed.ok && parsed.config.stageRules).toEqual([{ match: 'stage', stageId: 7, listId: 70 }]);
    expect(parsed.ok && parsed.config.enabled).toBe(false);
  });
});

describe('parseConfigYaml: defaults and extensions', () => {
  it('keeps defaults for whatever the file leaves out', () => {
    const parsed = parseConfigYaml(file('enabled: true'));
    expect(parsed).toEqual({ ok: true, config: defaultSyncConfig(), notices: [] });
  });

  it('reads the Pipebridge settings and per-pipeline outcomes', () => {
    const parsed = parseConfigYaml(
      file(`
default_currency: eur
default_phone_country: fr
delete_contact_on_person_delete: true
replay_history_days: 30
company_domain: https://acme.pipedrive.com
lists:
  nurture: "65"
  churned: ~
organization_mapping:
  name: name
  custom_fields.abc: industry
deal_stage_mapping:
  pipelines:
    2:
      won: 90
  won: 80
  5: 75
webhooks:
  - event_action: stage_changed
    event_object: deal
    brevo_event: pd-deal-moved
`),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.config).toMatchObject({
      defaultCurrency: 'EUR',
      defaultPhoneCountry: 'FR',
      deleteContactOnPersonDelete: true,
      replayHistoryDays: 30,
      companyDomain: 'acme',
      lists: { nurture: 65, churned: null },
      organizationMapping: [
        { source: { kind: 'standard', field: 'name' }, attribute: 'name' },
        { source: { kind: 'custom', key: 'abc' }, attribute: 'industry' },
      ],
      stageRules: [
        { match: 'stage', stageId: 5, listId: 75 },
        { match: 'won', pipelineId: null, listId: 80 },
        { match: 'won', pipelineId: 2, listId: 90 },
      ],
      eventRules: [{ action: 'stage_change', object: 'deal', mergeOnly: false, brevoEvent: 'pd-deal-moved' }],
    });
  });

  it('treats an empty webhooks list as no events', () => {
    const parsed = parseConfigYaml(file('webhooks: []'));
    expect(parsed.ok && parsed.config.eventRules).toEqual([]);
  });
});

describe('parseConfigYaml: errors with line, column, path and a fix', () => {
  it('reports unknown keys with a suggestion', () => {
    const errors = errorsOf(file('sync:\n  persns: true\nlistz:\n  customers: 1'));
    expect(errors.map(({ line, column, path }) => ({ line, column, path }))).toEqual([
      { line: 4, column: 7, path: 'connectors.pipedrive.sync.persns' },
      { line: 5, column: 5, path: 'connectors.pipedrive.listz' },
    ]);
    expect(errors[0]?.message).toContain('Did you mean "persons"?');
    expect(errors[1]?.message).toContain('Did you mean "lists"?');
  });

  it('reports wrong types', () => {
    const errors = errorsOf(file('enabled: "yes"\nsync:\n  deals: 1\nreplay_history_days: -3'));
    expect(errors.map((error) => [error.line, error.path])).toEqual([
      [3, 'connectors.pipedrive.enabled'],
      [5, 'connectors.pipedrive.sync.deals'],
      [6, 'connectors.pipedrive.replay_history_days'],
    ]);
    expect(errors[0]?.message).toMatch(/must be true or false, got "yes"/);
    expect(errors[0]?.column).toBe(14);
  });

  it('reports non-numeric list ids in lists and in the stage mapping', () => {
    const errors = errorsOf(file('lists:\n  customers: customers\ndeal_stage_mapping:\n  3: 6.5\n  won: -1'));
    expect(errors.map((error) => error.path)).toEqual([
      'connectors.pipedrive.lists.customers',
      'connectors.pipedrive.deal_stage_mapping.3',
      'connectors.pipedrive.deal_stage_mapping.won',
    ]);
    expect(errors[0]?.message).toMatch(/must be a Brevo list id .* got "customers"/);
  });

  it('reports attribute names that are not upper-case, suggesting the right spelling', () => {
    const [error] = errorsOf(file('person_mapping:\n  first_name: first name'));
    expect(error).toMatchObject({ line: 4, column: 19, path: 'connectors.pipedrive.person_mapping.first_name' });
    expect(error?.message).toMatch(/upper-case.*write FIRST_NAME/);
  });

  it('reports the same attribute filled twice at the second line', () => {
    const [error] = errorsOf(file('person_mapping:\n  name: FULLNAME\n  first_name: FULLNAME'));
    expect(error).toMatchObject({ line: 5, path: 'connectors.pipedrive.person_mapping.first_name' });
    expect(error?.message).toMatch(/FULLNAME is already filled by name; map each Brevo attribute from one Pipedrive source only/);
  });

  it('reports unknown sources, quoting keys with dots in the path', () => {
    const errors = errorsOf(file('person_mapping:\n  org_id.ceo: CEO\n  frist_name: FIRSTNAME'));
    expect(errors[0]).toMatchObject({ path: 'connectors.pipedrive.person_mapping["org_id.ceo"]' });
    expect(errors[1]?.message).toMatch(/Did you mean "first_name"\?/);
  });

  it('reports invalid event names, actions, objects and missing keys in webhook rules', () => {
    const errors = errorsOf(
      file(`
webhooks:
  - event_action: added
    event_object: person
    brevo_event: contact created!
  - event_action: touched
    event_object: persn
    brevo_event: x
  - event_action: added
    brevo_event: y
    colour: red
`),
    );
    expect(errors.map((error) => error.path)).toEqual([
      'connectors.pipedrive.webhooks[0].brevo_event',
      'connectors.pipedrive.webhooks[1].event_action',
      'connectors.pipedrive.webhooks[1].event_object',
      'connectors.pipedrive.webhooks[2]',
      'connectors.pipedrive.webhooks[2].colour',
    ]);
    expect(errors[0]?.message).toMatch(/write contact_created/);
    expect(errors[2]?.message).toMatch(/Did you mean "person"\?/);
    expect(errors[3]?.message).toMatch(/missing event_object/);
  });

  it('reports a merged rule on the wrong object type through the schema, placed on the rule', () => {
    const [error] = errorsOf(file('webhooks:\n  - event_action: stage_changed\n    event_object: person\n    brevo_event: moved'));
    expect(error).toMatchObject({ line: 4, path: 'connectors.pipedrive.webhooks[0].event_action' });
    expect(error?.message).toMatch(/stage_change only exists for deals/);
  });

  it('reports duplicate keys and broken YAML with positions', () => {
    const [duplicate] = errorsOf(file('lists:\n  customers: 1\n  customers: 2'));
    expect(duplicate).toMatchObject({ line: 5, column: 7, path: 'connectors.pipedrive.lists.customers' });
    expect(duplicate?.message).toMatch(/"customers" appears twice in connectors\.pipedrive\.lists; keep only one/);
    const [stage] = errorsOf(file('deal_stage_mapping:\n  1: 61\n  "1": 62'));
    expect(stage?.path).toBe('connectors.pipedrive.deal_stage_mapping.1');
    const [broken] = errorsOf('connectors:\n  pipedrive: [\n');
    expect(broken?.message).toMatch(/not valid YAML/);
  });

  it('reports a section written both nested and at the top', () => {
    const errors = errorsOf(`${file('lists:\n  customers: 1')}lists:\n  churned: 2\n`);
    expect(errors[0]?.path).toBe('lists');
    expect(errors[0]?.message).toMatch(/set twice .*connectors\.pipedrive\.lists/);
  });

  it('reports other connectors, unknown top-level keys, empty and non-mapping files', () => {
    expect(errorsOf('connectors:\n  hubspot:\n    enabled: true\n')[0]?.message).toMatch(/only reads connectors\.pipedrive/);
    expect(errorsOf('conectors:\n  pipedrive: {}\n')[0]?.message).toMatch(/Did you mean "connectors"\?/);
    expect(errorsOf('')[0]?.message).toMatch(/empty/);
    expect(errorsOf('- 1\n- 2\n')[0]?.message).toMatch(/must be a mapping/);
  });

  it('reports bad countries, currencies, domains and list values in stage pipelines', () => {
    const errors = errorsOf(
      file('default_phone_country: Narnia\ndefault_currency: euros\ncompany_domain: "my company"\ndeal_stage_mapping:\n  pipelines:\n    sales:\n      won: 1\n    2:\n      3: 4'),
    );
    expect(errors.map((error) => error.path)).toEqual([
      'connectors.pipedrive.default_phone_country',
      'connectors.pipedrive.default_currency',
      'connectors.pipedrive.company_domain',
      'connectors.pipedrive.deal_stage_mapping.pipelines.sales',
      'connectors.pipedrive.deal_stage_mapping.pipelines.2.3',
    ]);
  });
});

describe('parseConfigYaml: a source filling several attributes', () => {
  it('reads a list of attributes and checks each one', () => {
    const parsed = parseConfigYaml(file('person_mapping:\n  phone: [SMS, PHONE_TEXT]'));
    expect(parsed.ok && parsed.config.personMapping).toEqual([
      { source: { kind: 'standard', field: 'phone' }, attribute: 'SMS' },
      { source: { kind: 'standard', field: 'phone' }, attribute: 'PHONE_TEXT' },
    ]);
    const [error] = errorsOf(file('person_mapping:\n  phone: [SMS, phone text]'));
    expect(error?.path).toBe('connectors.pipedrive.person_mapping.phone[1]');
    expect(errorsOf(file('person_mapping:\n  phone: []'))[0]?.message).toMatch(/lists no attribute/);
  });
});

describe('parseConfigYaml: more shapes', () => {
  it('reports company attribute names that are not lower-case internal names', () => {
    const [error] = errorsOf(file('organization_mapping:\n  name: Company Name\n  custom_fields.abc: industry'));
    expect(error).toMatchObject({ path: 'connectors.pipedrive.organization_mapping.name' });
    expect(error?.message).toMatch(/lower-case internal names; write company_name/);
  });

  it('reports a webhook rule that is not a mapping once', () => {
    const errors = errorsOf(file('webhooks:\n  - contact_created'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'connectors.pipedrive.webhooks[0]', line: 4 });
  });

  it('reports sections of the wrong shape', () => {
    expect(errorsOf(file('sync: true'))[0]?.message).toMatch(/connectors\.pipedrive\.sync must be a mapping/);
    expect(errorsOf(file('webhooks:\n  event_action: added'))[0]?.message).toMatch(/must be a list of rules/);
  });

  it('collects every error of a file at once, in file order', () => {
    const errors = errorsOf(file('enabled: maybe\nlists:\n  customers: x\nperson_mapping:\n  name: name'));
    expect(errors.map((error) => error.line)).toEqual([3, 5, 7]);
  });

  it('explains a file whose indentation was lost, as in the flattened spec sample', () => {
    const flattened = 'connectors:\npipedrive:\nenabled: true\napi_token: "x"\nsync:\npersons: true\n';
    const errors = errorsOf(flattened);
    expect(errors.map((error) => error.path)).toEqual(['pipedrive', 'enabled', 'api_token', 'persons']);
    expect(errors[0]?.message).toMatch(/belongs under connectors\.pipedrive; indent it/);
    expect(errors[3]?.message).toMatch(/unknown top-level key "persons"/);
  });

  it('reports a webhook rule listed twice', () => {
    const rule = '  - event_action: added\n    event_object: deal\n    brevo_event: deal_created';
    const [error] = errorsOf(file(`webhooks:\n${rule}\n${rule}`));
    expect(error).toMatchObject({ line: 7, path: 'connectors.pipedrive.webhooks[1].event_action' });
    expect(error?.message).toMatch(/listed twice/);
  });
});

