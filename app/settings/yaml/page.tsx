import { PageHeader } from '@/components/settings/page-header';
import { resolveAdmin } from '@/components/settings/session-gate';
import { SettingsShell } from '@/components/settings/settings-shell';
import { YamlImportForm } from '@/components/settings/yaml-import-form';
import { Card } from '@/components/ui/card';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Import / export — Pipebridge' };

export default async function YamlPage() {
  const admin = await resolveAdmin();
  if (!admin.ok) return admin.element;
  return (
    <SettingsShell companyName={admin.companyName}>
      <PageHeader title="Import / export">
        The whole configuration as a YAML file in the original connector&apos;s format, to review, version or copy to another company. Also available on the command line: <code>npm run config -- export|import</code>.
      </PageHeader>
      <div className="mt-6 space-y-6">
        <Card id="yaml-export" title="Export" description="Mapping, lists, stage rules, event rules and sync switches. Secrets (Pipedrive tokens, the Brevo key) are never part of the file.">
          <a href="/api/settings/config/yaml" download="pipebridge-config.yaml" className="inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
            Download configuration (YAML)
          </a>
        </Card>
        <YamlImportForm />
      </div>
    </SettingsShell>
  );
}
