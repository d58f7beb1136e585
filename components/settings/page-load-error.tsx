import Link from 'next/link';
import { Alert } from '@/components/ui/alert';

/** Shown instead of an editor whose data could not be read from Pipedrive or Brevo. */
export function PageLoadError({ message, retryHref }: { message: string; retryHref: string }) {
  return (
    <Alert tone="error" className="mt-6">
      <p>{message}</p>
      <p className="mt-2">
        <Link href={retryHref} className="font-medium underline">Try again</Link>
        <span className="mx-2">·</span>
        <Link href="/settings" className="font-medium underline">Check the connections on the Overview</Link>
      </p>
    </Alert>
  );
}
