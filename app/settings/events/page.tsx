import { EventRulesEditor } from '@/components/settings/event-rules-editor';
import { PageHeader } from '@/components/settings/page-header';
import { resolveAdmin } from '@/components/settings/session-gate';
import { SettingsShell } from '@/components/settings/settings-shell';
import { loadConfigForEditing } from '@/lib/admin/config-change';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Event rules — Pipebridge' };

export default async function EventRulesPage() {
  const admin = await resolveAdmin();
  if (!admin.ok) return admin.element;
  const { config, version } = await loadConfigForEditing(admin.claims.companyId);
  return (
    <SettingsShell companyName={admin.companyName}>
      <PageHeader title="Event rules">Which Pipedrive events send which Brevo events. Brevo automations start from these events.</PageHeader>
      <EventRulesEditor initial={config.eventRules} sync={config.sync} version={version} />
    </SettingsShell>
  );
}
