import { resolveAdmin } from '@/components/settings/session-gate';
import { SettingsShell } from '@/components/settings/settings-shell';
import { AccountActions } from './account-actions';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Account & data — Pipebridge' };

export default async function AccountPage() {
  const admin = await resolveAdmin();
  if (!admin.ok) return admin.element;
  return (
    <SettingsShell companyName={admin.companyName}>
      <h1 className="text-2xl font-bold">Account & data</h1>
      <div className="mt-6">
        <AccountActions companyName={admin.companyName} />
      </div>
    </SettingsShell>
  );
}
