import { PageHeader } from '@/components/settings/page-header';
import { PageLoadError } from '@/components/settings/page-load-error';
import { resolveAdmin } from '@/components/settings/session-gate';
import { SettingsShell } from '@/components/settings/settings-shell';
import { StageListEditor } from '@/components/settings/stage-list-editor';
import { loadConfigForEditing } from '@/lib/admin/config-change';
import { loadListCatalog, loadPipelines } from '@/lib/admin/load-stage-catalog';
import { tryLoad } from '@/lib/admin/try-load';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Stages & lists — Pipebridge' };

export default async function StageListsPage() {
  const admin = await resolveAdmin();
  if (!admin.ok) return admin.element;
  const companyId = admin.claims.companyId;
  const [{ config, version }, data] = await Promise.all([
    loadConfigForEditing(companyId),
    tryLoad('read your pipelines and lists', async () => {
      const [pipelines, catalog] = await Promise.all([loadPipelines(companyId), loadListCatalog(companyId)]);
      return { pipelines, catalog };
    }),
  ]);
  return (
    <SettingsShell companyName={admin.companyName}>
      <PageHeader title="Stages & lists">
        When a deal enters a stage, or is won or lost, its contact joins that Brevo list and leaves the list of the stage it came from.
      </PageHeader>
      {data.ok ? (
        <StageListEditor pipelines={data.data.pipelines} catalog={data.data.catalog} initialLists={config.lists} initialRules={config.stageRules} version={version} />
      ) : (
        <PageLoadError message={data.message} retryHref="/settings/lists" />
      )}
    </SettingsShell>
  );
}
