import { PageHeader } from '@/components/settings/page-header';
import { resolveAdmin } from '@/components/settings/session-gate';
import { SettingsShell } from '@/components/settings/settings-shell';
import { SyncObjectsEditor } from '@/components/settings/sync-objects-editor';
import { loadConfigForEditing } from '@/lib/admin/config-change';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'What to sync — Pipebridge' };

export default async function SyncObjectsPage() {
  const admin = await resolveAdmin();
  if (!admin.ok) return admin.element;
  const { config, version } = await loadConfigForEditing(admin.claims.companyId);
  return (
    <SettingsShell companyName={admin.companyName}>
      <PageHeader title="What to sync">Which Pipedrive objects Pipebridge copies to Brevo, and how. An object that is off sends no data and no events.</PageHeader>
      <SyncObjectsEditor
        version={version}
        initial={{
          enabled: config.enabled,
          sync: config.sync,
          defaultCurrency: config.defaultCurrency,
          defaultPhoneCountry: config.defaultPhoneCountry,
          deleteContactOnPersonDelete: config.deleteContactOnPersonDelete,
          replayHistoryDays: config.replayHistoryDays,
        }}
      />
    </SettingsShell>
  );
}
