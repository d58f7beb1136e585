import type { ReactNode } from 'react';

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <section className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Pipebridge</p>
        <h1 className="mt-1 text-2xl font-bold">{title}</h1>
        <div className="mt-6 space-y-4 text-slate-700">{children}</div>
      </section>
    </main>
  );
}
