import { describe, expect, it } from 'vitest';
import { defaultSyncConfig } from './config';
import { mapOrganizationToCompany, websiteToDomain } from './map-organization-to-company';
import { field, hashKey, organization } from './testing/records';

const industryKey = hashKey('e');
const fields = [
  field({
    field_key: industryKey,
    field_name: 'Industry',
    field_type: 'set',
    options: [
      { id: 1, label: 'Software' },
      { id: 2, label: 'Hardware' },
    ],
  }),
];

describe('mapOrganizationToCompany', () => {
  it('maps the default fields, turning the website into a domain', () => {
    const result = mapOrganizationToCompany({
      organization: organization({ id: 3, name: 'Engines Ltd', website: 'https://www.engines.example/about', employee_count: 40 }),
      organizationFields: [],
      config: defaultSyncConfig(),
    });
    expect(result).toMatchObject({
      kind: 'company.upsert',
      orgId: 3,
      name: 'Engines Ltd',
      attributes: { name: 'Engines Ltd', domain: 'engines.example', number_of_employees: 40, revenue: null },
    });
  });

  it('maps custom fields and joins set labels because company attributes take no lists', () => {
    const config = defaultSyncConfig();
    config.organizationMapping = [
      { source: { kind: 'standard', field: 'name' }, attribute: 'name' },
      { source: { kind: 'custom', key: industryKey }, attribute: 'industry' },
      { source: { kind: 'standard', field: 'address' }, attribute: 'address' },
    ];
    const result = mapOrganizationToCompany({
      organization: organization({
        id: 3,
        custom_fields: { [industryKey]: [1, 2] },
        address: { value: '1 Main St', formatted_address: '1 Main St, Springfield' },
      }),
      organizationFields: fields,
      config,
    });
    expect(result).toMatchObject({ attributes: { industry: 'Software, Hardware', address: '1 Main St, Springfield' } });
  });

  it('warns about unknown custom field keys and still writes the rest', () => {
    const config = defaultSyncConfig();
    config.organizationMapping.push({ source: { kind: 'custom', key: 'nope' }, attribute: 'segment' });
    const result = mapOrganizationToCompany({ organization: organization({ id: 3 }), organizationFields: [], config });
    expect(result.kind).toBe('company.upsert');
    expect(result.warnings[0]).toMatchObject({ code: 'custom_field_unknown', entity: 'organization', entityId: 3 });
  });

  it('hashes what it would write', () => {
    const make = (name: string) =>
      mapOrganizationToCompany({ organization: organization({ id: 3, name }), organizationFields: [], config: defaultSyncConfig() });
    const a = make('A');
    const b = make('A');
    const c = make('C');
    expect(a.kind === 'company.upsert' && b.kind === 'company.upsert' && a.hash === b.hash).toBe(true);
    expect(a.kind === 'company.upsert' && c.kind === 'company.upsert' && a.hash !== c.hash).toBe(true);
  });

  it('skips deleted organizations and disabled organization sync', () => {
    expect(
      mapOrganizationToCompany({ organization: organization({ id: 3, is_deleted: true }), organizationFields: [], config: defaultSyncConfig() }),
    ).toMatchObject({ kind: 'skip', reason: 'deleted' });
    const off = defaultSyncConfig();
    off.sync.organizations = false;
    expect(mapOrganizationToCompany({ organization: organization({ id: 3 }), organizationFields: [], config: off })).toMatchObject({
      kind: 'skip',
      reason: 'sync_disabled',
    });
  });
});

describe('websiteToDomain', () => {
  it('reduces URLs and bare hosts to a domain', () => {
    expect(websiteToDomain('engines.example')).toBe('engines.example');
    expect(websiteToDomain('http://www.engines.example:8080/x?y')).toBe('engines.example');
    expect(websiteToDomain('   ')).toBeNull();
    expect(websiteToDomain('http://')).toBeNull();
  });
});
