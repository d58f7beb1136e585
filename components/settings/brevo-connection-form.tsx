'use client';

import { useState, type FormEvent } from 'react';
import type { BrevoConnectionView } from '@/lib/accounts/brevo-connection';

export function BrevoConnectionForm({ initial, demoKey }: { initial: BrevoConnectionView; demoKey?: string }) {
  const [conn, setConn] = useState(initial);
  const [key, setKey] = useState(demoKey ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(!initial.connected);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/brevo/connection', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: key }) });
      const body = (await res.json().catch(() => null)) as { connection?: BrevoConnectionView; error?: { message: string } } | null;
      if (!res.ok || !body?.connection) {
        setError(body?.error?.message ?? `The server answered ${res.status}. Try again.`);
        return;
      }
      setConn(body.connection);
      setEditing(false);
      setKey('');
    } catch {
      setError('Pipebridge could not be reached. Check your connection and try again; nothing was saved.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="brevo-heading" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <div className="flex items-start justify-between gap-4">
        <div>
          <h2 id="brevo-heading" className="text-lg font-semibold">Brevo</h2>
          {conn.connected ? (
            <p className="mt-1 text-sm text-slate-600" data-testid="brevo-status">
              Connected to <strong>{conn.accountName}</strong> ({conn.accountEmail}) with key <code>{conn.keyHint}</code>
            </p>
          ) : (
            <p className="mt-1 text-sm text-slate-600" data-testid="brevo-status">Not connected. Paste an API key to start syncing.</p>
          )}
          {conn.connected && conn.status === 'invalid' && (
            <p role="alert" className="mt-2 text-sm text-red-800">Brevo no longer accepts this key{conn.lastError ? `: ${conn.lastError}` : ''}. Paste a new key to reconnect.</p>
          )}
        </div>
        {conn.connected && !editing && (
          <button type="button" onClick={() => setEditing(true)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
            Change key
          </button>
        )}
      </div>
      {editing && (
        <form onSubmit={(e) => void submit(e)} className="mt-4 space-y-3">
          <label htmlFor="brevoKey" className="block text-sm font-medium">Brevo API key (v3)</label>
          <input id="brevoKey" name="apiKey" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} placeholder="xkeysib-…" className="w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:ring-2 focus:ring-brand-500" />
          {demoKey && <p className="text-xs text-slate-500">Demo: the key of the sandbox's Brevo account is filled in for you.</p>}
          {error && (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>
          )}
          <button type="submit" disabled={busy || key.trim() === ''} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {busy ? 'Checking the key with Brevo…' : 'Connect Brevo'}
          </button>
        </form>
      )}
    </section>
  );
}
