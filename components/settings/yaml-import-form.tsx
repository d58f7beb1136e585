'use client';

import { useRef, useState } from 'react';
import type { ConfigChange } from '@/lib/config/diff-configs';
import type { ConfigError } from '@/lib/config/yaml-reader';
import { Alert } from '@/components/ui/alert';
import { buttonClass, Card } from '@/components/ui/card';
import { sendJson } from '@/components/ui/send-json';

type Preview = { ok: true; changes: ConfigChange[]; notices: ConfigError[] } | { ok: false; errors: ConfigError[] };

/**
 * Import: paste or pick a file → "Check file" shows every error with its line (nothing saved),
 * or the changes it would make → "Import" saves. The text stays in the box whatever happens.
 */
export function YamlImportForm() {
  const [text, setText] = useState('');
  const [checked, setChecked] = useState<{ text: string; preview: Preview } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const [busy, setBusy] = useState<'check' | 'apply' | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const preview = checked && checked.text === text ? checked.preview : null;

  async function check() {
    setBusy('check');
    setError(null);
    setDone(null);
    const res = await sendJson<Preview>('/api/settings/config/yaml', 'POST', { yaml: text });
    setBusy(null);
    if (!res.ok) return setError(res.message);
    setChecked({ text, preview: res.data });
  }

  async function apply() {
    setBusy('apply');
    setError(null);
    const res = await sendJson<{ changes: ConfigChange[] }>('/api/settings/config/yaml', 'PUT', { yaml: checked!.text });
    setBusy(null);
    if (!res.ok) return setError(res.message);
    setDone(res.data.changes.length);
    setChecked(null);
  }

  /** Puts the cursor on the line an error names, so the admin can fix it in place. */
  function goToLine(line: number) {
    const el = area.current;
    if (!el) return;
    const lines = text.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  }

  return (
    <Card id="yaml-import" title="Import" description="A file in the connector's format (connectors: pipedrive: …). Sections left out keep their defaults. Nothing is applied from a file with errors.">
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor="yaml-file" className="text-sm font-medium">Choose a file</label>
        <input
          id="yaml-file"
          type="file"
          accept=".yaml,.yml,text/yaml,application/yaml"
          className="text-sm"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then(setText);
          }}
        />
      </div>
      <label htmlFor="yaml-text" className="mt-4 block text-sm font-medium">or paste it here</label>
      <textarea
        id="yaml-text"
        ref={area}
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        rows={16}
        className="mt-1 w-full rounded-md border border-slate-300 p-3 font-mono text-xs leading-5 outline-none focus:ring-2 focus:ring-brand-500/40"
        placeholder={'connectors:\n  pipedrive:\n    sync:\n      persons: true'}
      />
      {error && <Alert tone="error" className="mt-3">{error}</Alert>}
      {done !== null && <Alert tone="success" className="mt-3">Imported: {done} change{done === 1 ? '' : 's'} applied.</Alert>}
      {preview && !preview.ok && (
        <div className="mt-3" role="alert">
          <p className="text-sm font-semibold text-red-800">{preview.errors.length} error{preview.errors.length === 1 ? '' : 's'} — nothing was imported</p>
          <table className="mt-2 w-full text-left text-sm" aria-label="Errors in the file">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-3">Line</th>
                <th scope="col" className="py-1 pr-3">Field</th>
                <th scope="col" className="py-1">Problem</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-red-100">
              {preview.errors.map((e, i) => (
                <tr key={i} data-testid="yaml-error">
                  <td className="py-1 pr-3">
                    <button type="button" className="font-mono text-red-800 underline" onClick={() => goToLine(e.line)} aria-label={`Go to line ${e.line}`}>
                      {e.line}:{e.column}
                    </button>
                  </td>
                  <td className="py-1 pr-3 font-mono text-xs">{e.path || '—'}</td>
                  <td className="py-1">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview && preview.ok && (
        <div className="mt-3" aria-live="polite">
          {preview.notices.map((n, i) => (
            <Alert key={i} tone="warning" className="mb-2">Line {n.line}: {n.message}</Alert>
          ))}
          <h3 className="text-sm font-semibold">The file is valid. Importing it would make {preview.changes.length} change{preview.changes.length === 1 ? '' : 's'}:</h3>
          <ul className="mt-2 max-h-72 space-y-1 overflow-y-auto text-sm" aria-label="Changes to apply">
            {preview.changes.map((c, i) => (
              <li key={i}>• {c.message}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="mt-4 flex flex-wrap gap-3">
        {preview && preview.ok ? (
          <>
            <button type="button" className={buttonClass.primary} disabled={busy !== null || preview.changes.length === 0} onClick={() => void apply()}>
              {busy === 'apply' ? 'Importing…' : 'Import and apply'}
            </button>
            <button type="button" className={buttonClass.secondary} onClick={() => setChecked(null)}>Cancel</button>
          </>
        ) : (
          <button type="button" className={buttonClass.primary} disabled={busy !== null || text.trim() === ''} onClick={() => void check()}>
            {busy === 'check' ? 'Checking…' : 'Check file'}
          </button>
        )}
      </div>
    </Card>
  );
}
