import type { ReactNode } from 'react';

const tones = {
  bad: 'bg-[var(--panel-bad-bg)] text-[var(--panel-bad-fg)]',
  warn: 'bg-[var(--panel-warn-bg)] text-[var(--panel-warn-fg)]',
  info: 'bg-[var(--panel-subtle)] text-[var(--panel-fg)]',
} as const;

/** A message that replaces or heads the panel's content; `bad` ones are announced as alerts. */
export function PanelMessage({ tone, title, code, children }: { tone: keyof typeof tones; title: string; code?: string; children: ReactNode }) {
  return (
    <div role={tone === 'bad' ? 'alert' : 'note'} className={`rounded-md px-3 py-2 ${tones[tone]}`} data-code={code}>
      <p className="font-semibold">{title}</p>
      <div className="mt-1 leading-snug">{children}</div>
    </div>
  );
}
