import Link from 'next/link';

const features = [
  { title: 'Contacts, both ways', body: 'Pipedrive persons become Brevo contacts; unsubscribes and blocklisting flow back. A blocklisted contact is never resubscribed.' },
  { title: 'Deal stages drive lists', body: 'Map each pipeline stage, won and lost to a Brevo list. A stage change moves the contact and starts your automations.' },
  { title: 'Organizations, activities, leads', body: 'Companies and their attributes, calls and meetings as events, leads into your nurture lists.' },
  { title: 'Real time, and nothing missed', body: 'Pipedrive webhooks within seconds, with scheduled reconciliation and a resumable backfill behind them.' },
];

export default function LandingPage() {
  return (
    <main className="mx-auto max-w-5xl px-6 py-16">
      <header className="mb-12">
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Pipebridge</p>
        <h1 className="mt-2 text-4xl font-bold tracking-tight">Your Pipedrive pipeline, in Brevo, in real time.</h1>
        <p className="mt-4 max-w-2xl text-lg text-slate-600">
          Install from the Pipedrive Marketplace, connect your Brevo account, and decide in a few clicks how contacts, deals,
          organizations, activities and leads flow into your marketing.
        </p>
        <div className="mt-8 flex flex-wrap gap-3">
          <Link href="/install" className="rounded-md bg-brand-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2">
            Install with Pipedrive
          </Link>
          <Link href="/login" className="rounded-md border border-slate-300 bg-white px-5 py-2.5 font-medium text-slate-800 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2">
            Sign in
          </Link>
        </div>
      </header>
      <section aria-label="What Pipebridge does" className="grid gap-6 sm:grid-cols-2">
        {features.map((f) => (
          <article key={f.title} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <h2 className="text-lg font-semibold">{f.title}</h2>
            <p className="mt-2 text-slate-600">{f.body}</p>
          </article>
        ))}
      </section>
    </main>
  );
}
