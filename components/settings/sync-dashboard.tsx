'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { IssueFilter, RunView, SyncDashboard as Dashboard } from '@/lib/admin/sync-dashboard';
import { Alert } from '@/components/ui/alert';
import { buttonClass, Card, inputClass } from '@/components/ui/card';
import { formatDuration, numberFormat, timeAgo } from '@/components/ui/format';
import { sendJson } from '@/components/ui/send-json';
import { WebhookStatus } from './webhook-status';

const statusStyle: Record<string, string> = {
  succeeded: 'bg-emerald-50 text-emerald-800',
  running: 'bg-brand-50 text-brand-700',
  queued: 'bg-slate-100 text-slate-700',
  failed: 'bg-red-50 text-red-800',
  cancelled: 'bg-slate-100 text-slate-600',
  paused: 'bg-amber-50 text-amber-800',
};

function StatusBadge({ status }: { status: string }) {
  return <span className={`rounded px-2 py-0.5 text-xs font-medium ${statusStyle[status] ?? 'bg-slate-100'}`}>{status}</span>;
}

function Bar({ label, percent, detail }: { label: string; percent: number | null; detail: string }) {
  return (
    <div>
      <div className="flex justify-between text-sm">
        <span className="font-medium capitalize">{label}</span>
        <span className="text-slate-600">{detail}</span>
      </div>
      <div
        role="progressbar"
        aria-label={`${label} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={percent === null ? detail : `${percent} %`}
        className="mt-1 h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={`h-full rounded-full transition-all ${percent === null ? 'w-1/3 animate-pulse bg-brand-500/60' : 'bg-brand-600'}`} style={percent === null ? undefined : { width: `${percent}%` }} />
      </div>
    </div>
  );
}

function RunProgress({ run }: { run: RunView }) {
  const finished = run.status === 'succeeded';
  return (
    <div className="space-y-3" data-testid="current-run">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="font-semibold capitalize">{run.kind}</span>
        <StatusBadge status={run.status} />
        <span className="text-slate-600">
          {run.startedAt ? `started ${timeAgo(run.startedAt)}` : 'waiting for a worker'}
          {run.rate !== null && ` · ${run.rate.toFixed(1)} records/s`}
          {run.etaSeconds !== null && ` · about ${formatDuration(run.etaSeconds)} left`}
        </span>
      </div>
      <Bar label="Overall" percent={run.percent} detail={`${numberFormat.format(run.done + run.skipped + run.failed)} of ${numberFormat.format(run.total)} records · ${run.percent} %`} />
      {run.entities.map((e) => {
        const processed = e.done + e.skipped + e.failed;
        const percent = finished ? 100 : e.total === null ? null : e.total === 0 ? 100 : Math.min(100, Math.floor((processed / e.total) * 100));
        const detail = `${numberFormat.format(processed)}${e.total === null ? ' so far' : ` of ${numberFormat.format(e.total)}`}${e.failed > 0 ? ` · ${e.failed} failed` : ''}${e.skipped > 0 ? ` · ${e.skipped} skipped` : ''}`;
        return <Bar key={e.entity} label={`${e.entity}s`} percent={percent} detail={detail} />;
      })}
      {run.error && run.status !== 'succeeded' && <Alert tone={run.status === 'failed' ? 'error' : 'warning'}>{run.status === 'failed' ? 'The run stopped: ' : 'Last attempt failed, retrying: '}{run.error}</Alert>}
    </div>
  );
}

const defaultFilter: IssueFilter = { status: 'open', severity: 'all', object: 'all', q: '', page: 1 };

function query(filter: IssueFilter): string {
  return new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)])).toString();
}

/** Runs with live progress, history, per-record issues with retry, and the resync button. */
export function SyncDashboard({ initial }: { initial: Dashboard }) {
  const [data, setData] = useState(initial);
  const [filter, setFilter] = useState(defaultFilter);
  const [search, setSearch] = useState('');
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmResync, setConfirmResync] = useState(false);
  const [stale, setStale] = useState(false);
  const filterRef = useRef(filter);
  filterRef.current = filter;

  const refresh = useCallback(async () => {
    const res = await sendJson<Dashboard>(`/api/settings/sync?${query(filterRef.current)}`, 'GET');
    if (res.ok) {
      setData(res.data);
      setStale(false);
    } else setStale(true);
  }, []);

  // Live progress: every second while a run is queued or running, every 10 s otherwise (webhook-started runs).
  useEffect(() => {
    const timer = setTimeout(() => void refresh(), data.active ? 1000 : 10_000);
    return () => clearTimeout(timer);
  }, [data, refresh]);

  useEffect(() => {
    void refresh();
  }, [filter, refresh]);

  // Search as you type, without one request per key.
  useEffect(() => {
    const timer = setTimeout(() => setFilter((f) => (f.q === search ? f : { ...f, q: search, page: 1 })), 300);
    return () => clearTimeout(timer);
  }, [search]);

  async function act(body: object, key: string) {
    setBusy(key);
    setMessage(null);
    const res = await sendJson<{ message: string }>('/api/settings/sync', 'POST', body);
    setBusy(null);
    setMessage(res.ok ? { tone: 'success', text: res.data.message } : { tone: 'error', text: res.message });
    await refresh();
  }

  const current = data.runs[0];
  const pages = Math.max(1, Math.ceil(data.issues.total / data.issues.pageSize));
  const retryableShown = data.issues.items.some((i) => i.retryable && i.status !== 'retrying');

  return (
    <div className="mt-6 space-y-6">
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      {stale && <Alert tone="warning">The dashboard could not refresh; the figures may be out of date. It keeps trying.</Alert>}
      <Card
        id="current"
        title={data.active ? 'Sync in progress' : 'Latest sync'}
        actions={
          <div className="flex flex-wrap gap-2">
            <button type="button" className={buttonClass.primary} disabled={busy !== null || data.active} onClick={() => void act({ action: 'sync_now' }, 'sync')}>
              {busy === 'sync' ? 'Starting…' : data.hasCursor ? 'Sync now' : 'Start full sync'}
            </button>
            <button type="button" className={buttonClass.secondary} disabled={busy !== null || data.active} onClick={() => setConfirmResync(true)}>
              Full resync…
            </button>
          </div>
        }
      >
        {confirmResync && (
          <div role="alertdialog" aria-labelledby="resync-title" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            <p id="resync-title" className="font-semibold text-amber-900">Start a full resync?</p>
            <p className="mt-1 text-amber-900">Every Pipedrive record is read and every Brevo contact written again. It uses Pipedrive API budget and can take a while for large companies; no events are sent twice.</p>
            <div className="mt-2 flex gap-2">
              <button type="button" className={buttonClass.primary} disabled={busy !== null} onClick={() => { setConfirmResync(false); void act({ action: 'resync' }, 'resync'); }}>
                Start full resync
              </button>
              <button type="button" className={buttonClass.secondary} onClick={() => setConfirmResync(false)}>Cancel</button>
            </div>
          </div>
        )}
        {current ? <RunProgress run={current} /> : <p className="text-sm text-slate-600">No sync has run yet.</p>}
        {data.companiesDue > 0 && (
          <p className="mt-3 text-sm text-slate-600" data-testid="companies-due">
            {numberFormat.format(data.companiesDue)} organization{data.companiesDue === 1 ? '' : 's'} waiting for Brevo&apos;s company budget (100 company requests an hour); they are written in the background.
          </p>
        )}
      </Card>

      <Card id="history" title="History">
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3">Run</th>
                <th scope="col" className="py-2 pr-3">Status</th>
                <th scope="col" className="py-2 pr-3">Started</th>
                <th scope="col" className="py-2 pr-3">Duration</th>
                <th scope="col" className="py-2 pr-3 text-right">Records</th>
                <th scope="col" className="py-2 text-right">Failed</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.runs.map((r) => (
                <tr key={r.id} data-testid="run-row">
                  <td className="py-2 pr-3 capitalize">{r.kind} <span className="text-xs normal-case text-slate-500">({r.trigger})</span></td>
                  <td className="py-2 pr-3"><StatusBadge status={r.status} /></td>
                  <td className="py-2 pr-3">{timeAgo(r.startedAt ?? r.createdAt)}</td>
                  <td className="py-2 pr-3">{r.startedAt && r.finishedAt ? formatDuration((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000) : '—'}</td>
                  <td className="py-2 pr-3 text-right">{numberFormat.format(r.done)}</td>
                  <td className={`py-2 text-right ${r.failed > 0 ? 'text-red-700' : ''}`}>{numberFormat.format(r.failed)}</td>
                </tr>
              ))}
              {data.runs.length === 0 && (
                <tr>
                  <td colSpan={6} className="py-3 text-slate-500">No runs yet.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Card>

      <WebhookStatus webhooks={data.webhooks} />

      <section id="issues" aria-labelledby="issues-heading" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 id="issues-heading" className="text-lg font-semibold">Records not synced</h2>
            <p className="mt-1 text-sm text-slate-600">{numberFormat.format(data.issues.counts.open)} open ({numberFormat.format(data.issues.counts.errors)} errors). Errors are retried automatically with growing delays; retry now once you fixed the cause.</p>
          </div>
          <button type="button" className={buttonClass.secondary} disabled={busy !== null || !retryableShown} onClick={() => void act({ action: 'retry_all', filter }, 'retry_all')}>
            {busy === 'retry_all' ? 'Retrying…' : 'Retry all shown persons'}
          </button>
        </div>
        <div className="mt-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter record issues">
          <div>
            <label htmlFor="issue-q" className="block text-xs font-medium text-slate-600">Reason, code or Pipedrive id</label>
            <input id="issue-q" type="search" className={`${inputClass} mt-0.5 w-56`} value={search} onChange={(e) => setSearch(e.target.value)} />
          </div>
          {(
            [
              ['status', 'Status', ['open', 'retrying', 'dead', 'resolved', 'all']],
              ['severity', 'Severity', ['all', 'error', 'warning', 'skipped']],
              ['object', 'Object', ['all', 'person', 'organization', 'deal', 'activity', 'lead']],
            ] as const
          ).map(([key, label, values]) => (
            <div key={key}>
              <label htmlFor={`issue-${key}`} className="block text-xs font-medium text-slate-600">{label}</label>
              <select id={`issue-${key}`} className={`${inputClass} mt-0.5`} value={filter[key]} onChange={(e) => setFilter((f) => ({ ...f, [key]: e.target.value, page: 1 }))}>
                {values.map((v) => (
                  <option key={v} value={v}>{v}</option>
                ))}
              </select>
            </div>
          ))}
        </div>
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3">Record</th>
                <th scope="col" className="py-2 pr-3">Reason</th>
                <th scope="col" className="hidden py-2 pr-3 md:table-cell">Tries</th>
                <th scope="col" className="py-2 pr-3">Status</th>
                <th scope="col" className="py-2"><span className="sr-only">Action</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.issues.items.map((i) => (
                <tr key={i.id} data-testid="issue-row" className="align-top">
                  <td className="py-2 pr-3 whitespace-nowrap">
                    {i.object} {i.pipedriveId}
                    <div className="text-xs text-slate-500">{i.severity} · {i.code}</div>
                  </td>
                  <td className="py-2 pr-3">{i.reason}</td>
                  <td className="hidden py-2 pr-3 md:table-cell">{i.attempts}{i.nextRetryAt && i.status === 'open' ? <div className="text-xs text-slate-500">next {timeAgo(i.nextRetryAt).replace(' ago', '')}</div> : null}</td>
                  <td className="py-2 pr-3">{i.status}</td>
                  <td className="py-2 text-right">
                    {i.retryable ? (
                      <button type="button" className={buttonClass.secondary} disabled={busy !== null || i.status === 'retrying'} aria-label={`Retry ${i.object} ${i.pipedriveId}`} onClick={() => void act({ action: 'retry', issueId: i.id }, `retry-${i.id}`)}>
                        {busy === `retry-${i.id}` ? 'Retrying…' : i.status === 'retrying' ? 'Retrying' : 'Retry'}
                      </button>
                    ) : (
                      i.status !== 'resolved' && <span className="text-xs text-slate-500">retried by a full resync</span>
                    )}
                  </td>
                </tr>
              ))}
              {data.issues.items.length === 0 && (
                <tr>
                  <td colSpan={5} className="py-3 text-slate-500">No record matches.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        {pages > 1 && (
          <nav aria-label="Issue pages" className="mt-3 flex items-center gap-3 text-sm">
            <button type="button" className={buttonClass.secondary} disabled={filter.page <= 1} onClick={() => setFilter((f) => ({ ...f, page: f.page - 1 }))}>Previous</button>
            <span>Page {filter.page} of {pages}</span>
            <button type="button" className={buttonClass.secondary} disabled={filter.page >= pages} onClick={() => setFilter((f) => ({ ...f, page: f.page + 1 }))}>Next</button>
          </nav>
        )}
      </section>
    </div>
  );
}
