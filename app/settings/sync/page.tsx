import { PageHeader } from '@/components/settings/page-header';
import { resolveAdmin } from '@/components/settings/session-gate';
import { SettingsShell } from '@/components/settings/settings-shell';
import { SyncDashboard } from '@/components/settings/sync-dashboard';
import { loadSyncDashboard } from '@/lib/admin/sync-dashboard';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sync dashboard — Pipebridge' };

export default async function SyncDashboardPage() {
  const admin = await resolveAdmin();
  if (!admin.ok) return admin.element;
  return (
    <SettingsShell companyName={admin.companyName}>
      <PageHeader title="Sync dashboard">Backfills and incremental runs with their progress, and every record that could not be synced, with the reason.</PageHeader>
      <SyncDashboard initial={await loadSyncDashboard(admin.claims.companyId)} />
    </SettingsShell>
  );
}
