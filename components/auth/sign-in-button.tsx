'use client';

import { signIn } from 'next-auth/react';
import { useEffect, useState } from 'react';

/**
 * Starts next-auth's Pipedrive sign-in (which sets the OAuth state cookie). With `auto`, it
 * starts on load: that is what the Marketplace "Installation URL" needs.
 */
export function SignInWithPipedrive({ auto = false, label = 'Continue with Pipedrive', callbackUrl = '/settings' }: { auto?: boolean; label?: string; callbackUrl?: string }) {
  const [busy, setBusy] = useState(auto);
  useEffect(() => {
    if (auto) void signIn('pipedrive', { callbackUrl });
  }, [auto, callbackUrl]);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void signIn('pipedrive', { callbackUrl });
      }}
      className="inline-flex items-center justify-center rounded-md bg-brand-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 disabled:opacity-70"
    >
      {busy ? 'Redirecting to Pipedrive…' : label}
    </button>
  );
}
