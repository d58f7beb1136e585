'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

export function ApiTokenForm() {
  const router = useRouter();
  const [domain, setDomain] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const res = await signIn('pipedrive-token', { redirect: false, companyDomain: domain, apiToken: token });
    setBusy(false);
    if (!res || res.error) {
      // What the admin typed stays in the form.
      setError(res?.error && res.error !== 'CredentialsSignin' ? res.error : 'The connection failed. Check the company domain and the token.');
      return;
    }
    router.push('/settings');
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
      <div>
        <label htmlFor="companyDomain" className="block text-sm font-medium">Company domain</label>
        <div className="mt-1 flex rounded-md border border-slate-300 focus-within:ring-2 focus-within:ring-brand-500">
          <input id="companyDomain" name="companyDomain" required value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="yourcompany" className="w-full rounded-l-md px-3 py-2 outline-none" autoComplete="off" />
          <span className="rounded-r-md bg-slate-100 px-3 py-2 text-sm text-slate-500">.pipedrive.com</span>
        </div>
      </div>
      <div>
        <label htmlFor="apiToken" className="block text-sm font-medium">API token</label>
        <input id="apiToken" name="apiToken" type="password" required value={token} onChange={(e) => setToken(e.target.value)} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:ring-2 focus:ring-brand-500" autoComplete="off" />
        <p className="mt-1 text-xs text-slate-500">In Pipedrive: Settings → Personal preferences → API.</p>
      </div>
      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>
      )}
      <button type="submit" disabled={busy} className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 disabled:opacity-70">
        {busy ? 'Checking with Pipedrive…' : 'Connect'}
      </button>
    </form>
  );
}
