import type { ContactStatus } from '@/lib/panel/contact-status';

const styles: Record<ContactStatus, { label: string; cls: string }> = {
  subscribed: { label: 'Subscribed', cls: 'bg-[var(--panel-ok-bg)] text-[var(--panel-ok-fg)]' },
  unsubscribed: { label: 'Unsubscribed', cls: 'bg-[var(--panel-warn-bg)] text-[var(--panel-warn-fg)]' },
  blocklisted: { label: 'Blocklisted', cls: 'bg-[var(--panel-bad-bg)] text-[var(--panel-bad-fg)]' },
  bounced: { label: 'Bounced', cls: 'bg-[var(--panel-bad-bg)] text-[var(--panel-bad-fg)]' },
  complained: { label: 'Marked as spam', cls: 'bg-[var(--panel-bad-bg)] text-[var(--panel-bad-fg)]' },
};

export function ContactStatusBadge({ status }: { status: ContactStatus }) {
  const s = styles[status];
  return (
    <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-semibold ${s.cls}`} data-testid="contact-status" data-status={status}>
      {s.label}
    </span>
  );
}
