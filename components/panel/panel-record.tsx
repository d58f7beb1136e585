'use client';

import { useState } from 'react';
import type { PanelList, PanelRecordView } from '@/lib/panel/panel-api-schemas';
import { ContactStatusBadge } from './contact-status-badge';
import { PanelMessage } from './panel-message';

interface Props {
  view: PanelRecordView;
  busy: string | null;
  onSync: () => void;
  onAddToList: (list: PanelList) => void;
  onRemoveFromList: (list: PanelList) => void;
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const button = 'rounded border border-[var(--panel-border)] px-2 py-1 hover:bg-[var(--panel-subtle)] disabled:opacity-50';

function Section({ title, children, label }: { title: string; label?: string; children: React.ReactNode }) {
  return (
    <section aria-label={label ?? title} className="border-t border-[var(--panel-border)] pt-2">
      <h2 className="mb-1 text-xs font-semibold uppercase tracking-wide text-[var(--panel-muted)]">{title}</h2>
      {children}
    </section>
  );
}

/** What the panel shows for one person (or a deal's person): the Brevo contact, its lists and recent activity. */
export function PanelRecord({ view, busy, onSync, onAddToList, onRemoveFromList }: Props) {
  const [listToAdd, setListToAdd] = useState<string>('');
  const c = view.contact;
  const selected = view.availableLists.find((l) => String(l.id) === listToAdd) ?? view.availableLists[0];
  return (
    <div className="space-y-3">
      <header className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="truncate font-semibold" data-testid="contact-email">
            {view.person?.email ?? view.person?.name ?? (view.resource === 'deal' ? `Deal ${view.recordId}` : `Person ${view.recordId}`)}
          </p>
          {c ? (
            <p className="mt-0.5">
              <ContactStatusBadge status={c.status} /> <span className="text-[var(--panel-muted)]">Brevo contact #{c.id}</span>
            </p>
          ) : null}
        </div>
        {view.canSync && (
          <button type="button" className={`${button} shrink-0 whitespace-nowrap`} onClick={onSync} disabled={busy !== null}>
            {busy === 'sync' ? 'Syncing…' : 'Sync now'}
          </button>
        )}
      </header>

      {view.explanation && (
        <PanelMessage tone={view.state === 'not_synced' ? 'info' : 'warn'} title={titles[view.state]}>
          <span data-testid="panel-explanation" data-state={view.state}>{view.explanation}</span>
        </PanelMessage>
      )}
      {c && <p className="text-[var(--panel-muted)]" data-testid="status-detail">{c.statusDetail}</p>}

      <p className="text-[var(--panel-muted)]" data-testid="last-synced">
        {view.lastSyncedAt ? <>Last synced {when(view.lastSyncedAt)}</> : 'Not synced yet'}
      </p>

      {view.issues.length > 0 && (
        <Section title="Sync problems">
          <ul className="space-y-1" data-testid="panel-issues">
            {view.issues.map((i) => (
              <li key={`${i.object}-${i.code}`} className="rounded bg-[var(--panel-bad-bg)] px-2 py-1 text-[var(--panel-bad-fg)]">
                {i.reason} <span className="opacity-70">({i.severity}, {when(i.updatedAt)})</span>
              </li>
            ))}
          </ul>
        </Section>
      )}

      {c && (
        <Section title={`Lists (${c.lists.length})`} label="Lists">
          {c.lists.length === 0 ? (
            <p className="text-[var(--panel-muted)]">In no Brevo list.</p>
          ) : (
            <ul className="space-y-1" data-testid="contact-lists">
              {c.lists.map((l) => (
                <li key={l.id} className="flex items-center justify-between gap-2">
                  <span className="truncate">{l.name}</span>
                  <button type="button" className={`${button} text-xs`} aria-label={`Remove from ${l.name}`} disabled={busy !== null} onClick={() => onRemoveFromList(l)}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
          {view.availableLists.length > 0 && selected && (
            <div className="mt-2 flex gap-2">
              <label className="sr-only" htmlFor="panel-add-list">Brevo list</label>
              <select id="panel-add-list" className="min-w-0 flex-1 rounded border border-[var(--panel-border)] bg-[var(--panel-bg)] px-1 py-1" value={String(selected.id)} onChange={(e) => setListToAdd(e.target.value)}>
                {view.availableLists.map((l) => (
                  <option key={l.id} value={l.id}>{l.name}</option>
                ))}
              </select>
              <button type="button" className={button} disabled={busy !== null} onClick={() => onAddToList(selected)}>
                Add to list
              </button>
            </div>
          )}
        </Section>
      )}

      {c && (
        <Section title="Synced attributes" label="Attributes">
          {c.attributes.length === 0 ? (
            <p className="text-[var(--panel-muted)]">No attributes.</p>
          ) : (
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5" data-testid="contact-attributes">
              {c.attributes.map((a) => (
                <div key={a.name} className="contents">
                  <dt className="text-[var(--panel-muted)]" title={a.pipedriveField ? `from Pipedrive field ${a.pipedriveField}` : undefined}>{a.name}</dt>
                  <dd className="truncate">{a.value || '—'}</dd>
                </div>
              ))}
            </dl>
          )}
        </Section>
      )}

      {view.events.length > 0 && (
        <Section title="Recent events sent" label="Events">
          <ul className="space-y-0.5" data-testid="panel-events">
            {view.events.map((e, i) => (
              <li key={`${e.name}-${e.occurredAt}-${i}`} className="flex justify-between gap-2">
                <span className="truncate">{e.name}</span>
                <span className="shrink-0 text-[var(--panel-muted)]">{e.status === 'sent' ? when(e.sentAt ?? e.occurredAt) : e.status}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}

      {c?.brevoUrl && (
        <p>
          <a href={c.brevoUrl} target="_blank" rel="noopener noreferrer" className="text-[var(--panel-accent)] underline">
            Open in Brevo
          </a>
        </p>
      )}
    </div>
  );
}

const titles: Record<PanelRecordView['state'], string> = {
  synced: 'Synced',
  no_person: 'No contact person',
  no_email: 'No email address',
  not_synced: 'Not in Brevo yet',
  contact_missing: 'Contact deleted in Brevo',
  brevo_not_connected: 'Brevo is not connected',
};
