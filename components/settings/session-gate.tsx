import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card';
import { getPageSession } from '@/lib/auth/page-session';
import type { SessionClaims } from '@/lib/auth/claims';

/** Resolves the admin for a settings page, or renders why there is none. */
export async function resolveAdmin(): Promise<{ ok: true; claims: SessionClaims; companyName: string } | { ok: false; element: React.ReactElement }> {
  const s = await getPageSession();
  if (s.kind === 'anonymous') redirect('/login');
  if (s.kind === 'removed') redirect('/login?error=SessionRequired');
  if (s.kind === 'not_admin') {
    return {
      ok: false,
      element: (
        <AuthCard title="Admins only">
          <p>
            Pipebridge settings for <strong>{s.companyName}</strong> can only be changed by admins of the company in Pipedrive.
          </p>
          <p className="text-sm text-slate-500">Ask an admin to open Pipebridge, or to make you an admin in Pipedrive (Settings → Manage users).</p>
        </AuthCard>
      ),
    };
  }
  return { ok: true, claims: s.claims, companyName: s.companyName };
}
