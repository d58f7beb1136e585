import Link from 'next/link';
import type { OverviewActivity } from '@/lib/admin/load-overview-activity';
import { Card } from '@/components/ui/card';
import { numberFormat, timeAgo } from '@/components/ui/format';

const statusTone: Record<string, string> = { succeeded: 'text-emerald-700', running: 'text-brand-700', queued: 'text-slate-600', failed: 'text-red-700', cancelled: 'text-slate-600', paused: 'text-amber-700' };

/** The Overview's health cards: what is synced, last run, webhooks, issues and the API budget. */
export function OverviewActivityCards({ a }: { a: OverviewActivity }) {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card id="synced" title="What is synced" actions={<Link href="/settings/objects" className="text-sm font-medium text-brand-700 hover:underline">Change</Link>}>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm" data-testid="synced-summary">
          <dt className="text-slate-500">Sync</dt>
          <dd className={a.synced.enabled ? 'text-emerald-700' : 'text-amber-700'}>{a.synced.enabled ? 'On' : 'Paused by an admin'}</dd>
          <dt className="text-slate-500">Objects</dt>
          <dd>{a.synced.objects.join(', ') || 'none'}{a.synced.paused.length > 0 && <span className="text-slate-500"> (off: {a.synced.paused.join(', ')})</span>}</dd>
          <dt className="text-slate-500">Field mappings</dt>
          <dd>{a.synced.personMappings} contact, {a.synced.organizationMappings} company</dd>
          <dt className="text-slate-500">Lists</dt>
          <dd>{a.synced.lifecycleLists} lifecycle, {a.synced.stageRules} stage rules</dd>
          <dt className="text-slate-500">Event rules</dt>
          <dd>{a.synced.eventRules}</dd>
        </dl>
      </Card>
      <Card id="last-sync" title="Last sync" actions={<Link href="/settings/sync" className="text-sm font-medium text-brand-700 hover:underline">Dashboard</Link>}>
        {a.lastRun ? (
          <p className="text-sm" data-testid="last-run">
            <span className="capitalize">{a.lastRun.kind}</span> <span className={statusTone[a.lastRun.status] ?? ''}>{a.lastRun.status}</span>
            {' · '}
            {a.lastRun.finishedAt ? `finished ${timeAgo(a.lastRun.finishedAt)}` : a.lastRun.startedAt ? `started ${timeAgo(a.lastRun.startedAt)}` : 'waiting to start'}
            {' · '}
            {numberFormat.format(a.lastRun.done)} of {numberFormat.format(a.lastRun.total)} records
            {a.lastRun.failed > 0 && <span className="text-red-700">, {numberFormat.format(a.lastRun.failed)} failed</span>}
          </p>
        ) : (
          <p className="text-sm text-slate-600">No sync has run yet. Start the first one from the dashboard.</p>
        )}
        <h3 className="mt-4 text-sm font-semibold">Webhooks</h3>
        <ul className="mt-1 text-sm" data-testid="webhook-activity">
          {a.webhooks.map((w) => (
            <li key={w.source}>
              <span className="capitalize">{w.source}</span>: last {timeAgo(w.lastAt)}, {numberFormat.format(w.last24h)} in the last 24 h
            </li>
          ))}
          {a.rejectedWebhooks24h > 0 && <li className="text-amber-700">{a.rejectedWebhooks24h} refused in the last 24 h (bad credentials or body)</li>}
        </ul>
      </Card>
      <Card id="attention" title="Needs attention" actions={a.issues.open > 0 ? <Link href="/settings/sync#issues" className="text-sm font-medium text-brand-700 hover:underline">See all</Link> : undefined}>
        {a.issues.open === 0 ? (
          <p className="text-sm text-emerald-700">Nothing: every record synced.</p>
        ) : (
          <>
            <p className="text-sm" data-testid="issue-count">
              <strong>{numberFormat.format(a.issues.open)}</strong> record{a.issues.open === 1 ? '' : 's'} not synced ({numberFormat.format(a.issues.errors)} error{a.issues.errors === 1 ? '' : 's'})
            </p>
            <ul className="mt-2 space-y-1 text-sm text-slate-700">
              {a.issues.recent.map((i) => (
                <li key={`${i.object}-${i.pipedriveId}`}>
                  {i.object} {i.pipedriveId}: {i.reason}
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
      <Card id="budget" title="Pipedrive API budget" description="Pipedrive gives each company a daily token budget shared by all its apps; Pipebridge pauses before it runs out.">
        {a.budget ? (
          <p className="text-sm" data-testid="budget">
            <strong>{numberFormat.format(a.budget.remaining)}</strong> tokens left today (reported {timeAgo(a.budget.reportedAt)}); the budget renews at {a.budget.resetsAt.slice(11, 16)} UTC.
          </p>
        ) : (
          <p className="text-sm text-slate-600" data-testid="budget">No Pipedrive request today yet.</p>
        )}
      </Card>
    </div>
  );
}
