import Link from 'next/link';
import type { ReactNode } from 'react';
import { SettingsNav } from './settings-nav';


export function SettingsShell({ companyName, children, banner }: { companyName: string; children: ReactNode; banner?: ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-4">
          <div>
            <p className="text-xs font-semibold uppercase tracking-wide text-brand-600">Pipebridge</p>
            <p className="font-semibold">{companyName}</p>
          </div>
          <form action="/api/auth/signout" method="post">
            <Link href="/api/auth/signout" className="text-sm text-slate-600 hover:text-slate-900">Sign out</Link>
          </form>
        </div>
      </header>
      {banner}
      <div className="mx-auto grid max-w-6xl gap-8 px-6 py-8 md:grid-cols-[190px_1fr]">
        <SettingsNav />
        <main className="min-w-0">{children}</main>
      </div>
    </div>
  );
}

export function ReconnectBanner({ reason }: { reason: string }) {
  return (
    <div role="alert" className="border-b border-amber-300 bg-amber-50">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-6 py-3 text-amber-900">
        <p>
          <strong>Sync is paused.</strong> {reason}
        </p>
        <Link href="/login" className="rounded-md bg-amber-600 px-4 py-2 text-sm font-medium text-white hover:bg-amber-700">
          Reconnect Pipedrive
        </Link>
      </div>
    </div>
  );
}
