'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export const settingsNav = [
  { href: '/settings', label: 'Overview' },
  { href: '/settings/sync', label: 'Sync dashboard' },
  { href: '/settings/objects', label: 'What to sync' },
  { href: '/settings/mapping', label: 'Field mapping' },
  { href: '/settings/lists', label: 'Stages & lists' },
  { href: '/settings/events', label: 'Event rules' },
  { href: '/settings/yaml', label: 'Import / export' },
  { href: '/settings/account', label: 'Account & data' },
] as const;

/** Client only for the current-page highlight (aria-current), which needs the pathname. */
export function SettingsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="flex gap-1 overflow-x-auto pb-1 md:sticky md:top-6 md:flex-col md:self-start">
      {settingsNav.map((n) => {
        const current = pathname === n.href;
        return (
          <Link
            key={n.href}
            href={n.href}
            aria-current={current ? 'page' : undefined}
            className={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 ${current ? 'bg-brand-50 text-brand-700' : 'text-slate-700 hover:bg-slate-100'}`}
          >
            {n.label}
          </Link>
        );
      })}
    </nav>
  );
}
