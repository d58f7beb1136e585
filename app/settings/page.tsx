import { BrevoConnectionForm } from '@/components/settings/brevo-connection-form';
import { resolveAdmin } from '@/components/settings/session-gate';
import { ReconnectBanner, SettingsShell } from '@/components/settings/settings-shell';
import { OverviewActivityCards } from '@/components/settings/overview-activity';
import { connectionOverview } from '@/lib/accounts/overview';
import { loadOverviewActivity } from '@/lib/admin/load-overview-activity';
import { env } from '@/lib/env';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Overview — Pipebridge' };

export default async function SettingsOverviewPage() {
  const admin = await resolveAdmin();
  if (!admin.ok) return admin.element;
  const [o, activity] = await Promise.all([connectionOverview(admin.claims.companyId, admin.claims.installationId), loadOverviewActivity(admin.claims.companyId)]);
  return (
    <SettingsShell companyName={admin.companyName} banner={o.pipedrive.needsReconnect ? <ReconnectBanner reason={o.company.pausedReason ?? 'Your Pipedrive connection needs to be renewed.'} /> : undefined}>
      <h1 className="text-2xl font-bold">Overview</h1>
      <div className="mt-6 space-y-6">
        <section aria-labelledby="pd-heading" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <div className="flex items-start justify-between gap-4">
            <h2 id="pd-heading" className="text-lg font-semibold">Pipedrive</h2>
            <a href="/login" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">Reconnect</a>
          </div>
          <p className="mt-1 text-sm text-slate-600">
            Company <strong>{o.company.name}</strong> ({o.company.domain}.pipedrive.com) · sync {o.company.status === 'active' ? 'active' : 'paused'}
          </p>
          <ul className="mt-4 divide-y divide-slate-100" aria-label="Connected Pipedrive users">
            {o.pipedrive.installations.map((i) => (
              <li key={i.userName + i.authMode} className="flex items-center justify-between py-2 text-sm">
                <span>
                  {i.userName}
                  {i.isYou && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs">you</span>}
                  <span className="ml-2 text-slate-500">{i.authMode === 'oauth' ? 'Marketplace app' : 'API token'}</span>
                </span>
                <span className={i.status === 'active' ? 'text-emerald-700' : 'text-amber-700'}>{i.status === 'active' ? 'Connected' : 'Needs reconnecting'}</span>
              </li>
            ))}
          </ul>
        </section>
        <BrevoConnectionForm initial={o.brevo} demoKey={o.brevo.connected ? undefined : env().PIPEBRIDGE_DEMO_BREVO_KEY} />
        <OverviewActivityCards a={activity} />
      </div>
    </SettingsShell>
  );
}
