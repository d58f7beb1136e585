import Link from 'next/link';
import { AuthCard } from '@/components/auth/auth-card';
import { SignInWithPipedrive } from '@/components/auth/sign-in-button';

export const metadata = { title: 'Sign in — Pipebridge' };

const errors: Record<string, string> = {
  OAuthCallback: 'Pipedrive did not complete the sign-in (it may have been cancelled, expired or already used). Start again.',
  access_denied: 'You declined access in Pipedrive, so Pipebridge was not installed. You can try again at any time.',
  AccessDenied: 'You declined access in Pipedrive, so Pipebridge was not installed. You can try again at any time.',
  OAuthSignin: 'The sign-in could not start. Try again.',
  // next-auth reports a declined consent, an expired or reused code and a bad state all as "Callback".
  Callback: 'Pipedrive did not complete the sign-in: access was declined, or the link expired or was already used. Pipebridge was not installed or changed. Start again when you are ready.',
  OAuthStateMismatch: 'This sign-in link is no longer valid (it was used already or came from elsewhere). Start again.',
  SessionRequired: 'Sign in to continue.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const message = error ? (errors[error] ?? 'The sign-in failed. Try again.') : undefined;
  return (
    <AuthCard title="Sign in">
      {message && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {message}
        </p>
      )}
      <p>Sign in with the Pipedrive account of an admin of your company.</p>
      <SignInWithPipedrive label="Sign in with Pipedrive" />
      <p className="text-sm text-slate-500">
        Not using the Marketplace app? <Link className="text-brand-700 underline" href="/connect/api-token">Connect with an API token</Link>.
      </p>
    </AuthCard>
  );
}
