import { FieldMappingEditor } from '@/components/settings/field-mapping-editor';
import { PageHeader } from '@/components/settings/page-header';
import { PageLoadError } from '@/components/settings/page-load-error';
import { resolveAdmin } from '@/components/settings/session-gate';
import { SettingsShell } from '@/components/settings/settings-shell';
import { loadConfigForEditing } from '@/lib/admin/config-change';
import { loadMappingCatalog } from '@/lib/admin/load-mapping-catalog';
import { tryLoad } from '@/lib/admin/try-load';
import { defaultSyncConfig, formatOrganizationSource, formatPersonSource } from '@/lib/sync';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Field mapping — Pipebridge' };

export default async function FieldMappingPage() {
  const admin = await resolveAdmin();
  if (!admin.ok) return admin.element;
  const companyId = admin.claims.companyId;
  const [{ config, version }, catalog] = await Promise.all([loadConfigForEditing(companyId), tryLoad('read your fields and attributes', () => loadMappingCatalog(companyId))]);
  const defaults = defaultSyncConfig();
  return (
    <SettingsShell companyName={admin.companyName}>
      <PageHeader title="Field mapping">
        Which Pipedrive field fills which Brevo attribute. Custom fields are shown by name; their key is what the configuration stores. Attributes of another type are refused, since Brevo would drop the values.
      </PageHeader>
      {catalog.ok ? (
        <FieldMappingEditor
          version={version}
          catalog={catalog.data}
          initialPerson={config.personMapping.map((m) => ({ source: formatPersonSource(m.source), attribute: m.attribute }))}
          initialOrganization={config.organizationMapping.map((m) => ({ source: formatOrganizationSource(m.source), attribute: m.attribute }))}
          defaultPerson={defaults.personMapping.map((m) => ({ source: formatPersonSource(m.source), attribute: m.attribute }))}
          defaultOrganization={defaults.organizationMapping.map((m) => ({ source: formatOrganizationSource(m.source), attribute: m.attribute }))}
        />
      ) : (
        <PageLoadError message={catalog.message} retryHref="/settings/mapping" />
      )}
    </SettingsShell>
  );
}
