'use client';

import { useState } from 'react';

export function AccountActions({ companyName }: { companyName: string }) {
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function removeEverything() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/account/disconnect', { method: 'POST' });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
        setError(body?.error?.message ?? `The server answered ${res.status}.`);
        return;
      }
      window.location.href = '/?disconnected=1';
    } catch {
      setError('Pipebridge could not be reached; nothing was deleted. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-6">
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-semibold">Export your data</h2>
        <p className="mt-1 text-sm text-slate-600">Everything Pipebridge stores about {companyName}, as JSON. Secrets are listed but never exported.</p>
        <a href="/api/account" download="pipebridge-export.json" className="mt-4 inline-block rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
          Download export
        </a>
      </section>
      <section className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-semibold text-red-800">Disconnect and delete</h2>
        <p className="mt-1 text-sm text-slate-600">Revokes Pipebridge's access to Pipedrive, removes its Brevo webhooks and deletes all data about {companyName}. Your Pipedrive and Brevo records are not touched.</p>
        <label htmlFor="confirm" className="mt-4 block text-sm font-medium">Type the company name to confirm</label>
        <input id="confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} className="mt-1 w-full max-w-sm rounded-md border border-slate-300 px-3 py-2" />
        {error && <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
        <button type="button" disabled={busy || confirm !== companyName} onClick={() => void removeEverything()} className="mt-4 block rounded-md bg-red-600 px-4 py-2 font-medium text-white hover:bg-red-700 disabled:opacity-50">
          {busy ? 'Deleting…' : 'Disconnect and delete all data'}
        </button>
      </section>
    </div>
  );
}
