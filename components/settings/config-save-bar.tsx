'use client';

import { useState } from 'react';
import type { DryRunResult } from '@/lib/admin/dry-run-config';
import type { ConfigChange } from '@/lib/config/diff-configs';
import { Alert } from '@/components/ui/alert';
import { buttonClass } from '@/components/ui/card';
import { sendJson } from '@/components/ui/send-json';

type Patch = Record<string, unknown>;
type DryRun = DryRunResult | { error: string } | null;

/** The dry run's figures: who joins or leaves each list, attributes changing, skipped records. */
function DryRunSummary({ dryRun }: { dryRun: DryRun }) {
  if (dryRun === null) return null;
  if ('error' in dryRun) return <Alert tone="warning" className="mt-2">{dryRun.error} You can still apply the change.</Alert>;
  const t = dryRun.totals;
  return (
    <div className="mt-3 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="dry-run">
      <h4 className="font-semibold">Effect on contacts (dry run{dryRun.allPersons ? '' : `, first ${dryRun.personsChecked} persons`})</h4>
      <p className="mt-1 text-slate-700">
        {t.creating} to create, {t.updating} to update, {t.unchanged} unchanged, {t.skipped} skipped{t.blocklisted > 0 ? `, ${t.blocklisted} blocklisted (left alone)` : ''}.
      </p>
      {dryRun.lists.length > 0 && (
        <ul className="mt-2 space-y-0.5" aria-label="List changes">
          {dryRun.lists.map((l) => (
            <li key={l.listId}>
              List <strong>{l.name ?? l.listId}</strong>: {l.joining > 0 && <span className="text-emerald-700">+{l.joining} joining</span>}
              {l.joining > 0 && l.leaving > 0 && ', '}
              {l.leaving > 0 && <span className="text-red-700">−{l.leaving} leaving</span>}
              {l.joiningSamples.length > 0 && <span className="text-slate-500"> (e.g. {l.joiningSamples.join(', ')})</span>}
            </li>
          ))}
        </ul>
      )}
      {dryRun.attributes.length > 0 && (
        <ul className="mt-2 space-y-0.5" aria-label="Attribute changes">
          {dryRun.attributes.map((a) => (
            <li key={a.attribute}>
              <code>{a.attribute}</code> changes on {a.changing} contact{a.changing === 1 ? '' : 's'}
              {a.samples[0] && <span className="text-slate-500"> (e.g. {a.samples[0].email}: {JSON.stringify(a.samples[0].from ?? null)} → {JSON.stringify(a.samples[0].to)})</span>}
            </li>
          ))}
        </ul>
      )}
      {dryRun.skipped.length > 0 && (
        <ul className="mt-2 space-y-0.5" aria-label="Skipped records">
          {dryRun.skipped.map((s) => (
            <li key={s.reason}>
              {s.count} skipped: {s.reason.replace(/_/g, ' ')}{s.samples[0] && <span className="text-slate-500"> (e.g. {s.samples[0]})</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Save for a configuration page: "Review changes" asks the server what the patch would change
 * (nothing saved), the admin reads the preview and only "Confirm and apply" saves it. Errors
 * appear here and the page's own state (what the admin typed) is left alone.
 */
export function ConfigSaveBar({ patch, dirty, version, onSaved, invalidReason }: { patch: Patch; dirty: boolean; version: string; onSaved: (version: string) => void; invalidReason?: string | null }) {
  const [reviewed, setReviewed] = useState<{ changes: ConfigChange[]; dryRun: DryRun; patch: string } | null>(null);
  const patchText = JSON.stringify(patch);
  // A preview only stands for the exact patch it was made for: editing again hides it.
  const preview = reviewed && reviewed.patch === patchText ? reviewed.changes : null;
  const setPreview = (changes: null) => setReviewed(changes);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null);
  const [saved, setSaved] = useState(false);

  async function review() {
    setBusy('preview');
    setError(null);
    setSaved(false);
    const res = await sendJson<{ changes: ConfigChange[]; dryRun: DryRun }>('/api/settings/config', 'POST', { patch, baseVersion: version });
    setBusy(null);
    if (!res.ok) return setError(res.message);
    setReviewed({ changes: res.data.changes, dryRun: res.data.dryRun, patch: patchText });
  }

  async function apply() {
    setBusy('apply');
    setError(null);
    const res = await sendJson<{ version: string }>('/api/settings/config', 'PUT', { patch: JSON.parse(reviewed!.patch) as Patch, baseVersion: version });
    setBusy(null);
    if (!res.ok) return setError(res.message);
    setPreview(null);
    setSaved(true);
    onSaved(res.data.version);
  }

  return (
    <div className="sticky bottom-0 z-10 -mx-1 mt-6 rounded-lg border border-slate-200 bg-white/95 p-4 shadow-lg backdrop-blur">
      {error && <Alert tone="error" className="mb-3">{error}</Alert>}
      {saved && !dirty && <Alert tone="success" className="mb-3">Saved. The sync uses the new configuration from its next run.</Alert>}
      {preview && (
        <div className="mb-3" aria-live="polite">
          <h3 className="text-sm font-semibold">Preview of your changes</h3>
          {preview.length === 0 ? (
            <p className="mt-1 text-sm text-slate-600">Nothing would change.</p>
          ) : (
            <ul className="mt-2 max-h-60 space-y-1 overflow-y-auto text-sm" aria-label="Changes to apply">
              {preview.map((c, i) => (
                <li key={i} className="flex gap-2">
                  <span className={`mt-0.5 inline-block h-2 w-2 shrink-0 rounded-full ${c.kind === 'added' ? 'bg-emerald-500' : c.kind === 'removed' ? 'bg-red-500' : 'bg-amber-500'}`} aria-hidden />
                  <span>{c.message}</span>
                </li>
              ))}
            </ul>
          )}
          {reviewed && <DryRunSummary dryRun={reviewed.dryRun} />}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        {preview ? (
          <>
            <button type="button" className={buttonClass.primary} disabled={busy !== null || preview.length === 0} onClick={() => void apply()}>
              {busy === 'apply' ? 'Applying…' : 'Confirm and apply'}
            </button>
            <button type="button" className={buttonClass.secondary} disabled={busy !== null} onClick={() => setPreview(null)}>
              Back to editing
            </button>
          </>
        ) : (
          <button type="button" className={buttonClass.primary} disabled={!dirty || busy !== null || Boolean(invalidReason)} onClick={() => void review()}>
            {busy === 'preview' ? 'Preparing preview (dry run)…' : 'Review changes'}
          </button>
        )}
        {!preview && invalidReason && <span className="text-sm text-red-700">{invalidReason}</span>}
        {!preview && !invalidReason && <span className="text-sm text-slate-500">{dirty ? 'Unsaved changes' : 'No changes'}</span>}
      </div>
    </div>
  );
}
