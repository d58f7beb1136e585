'use client';

import { useMemo, useState } from 'react';
import type { SyncConfig } from '@/lib/sync/config';
import { Card, inputClass } from '@/components/ui/card';
import { ConfigSaveBar } from './config-save-bar';

type Settings = Pick<SyncConfig, 'enabled' | 'sync' | 'defaultCurrency' | 'defaultPhoneCountry' | 'deleteContactOnPersonDelete' | 'replayHistoryDays'>;

const objects: { key: keyof SyncConfig['sync']; label: string; help: string }[] = [
  { key: 'persons', label: 'Persons', help: 'Pipedrive persons become Brevo contacts; unsubscribes come back to Pipedrive.' },
  { key: 'deals', label: 'Deals', help: 'Deal stages, won and lost move contacts between lists and fill the deal counts.' },
  { key: 'organizations', label: 'Organizations', help: 'Organizations become Brevo companies linked to their contacts.' },
  { key: 'activities', label: 'Activities', help: 'Logged activities are sent as Brevo events.' },
  { key: 'leads', label: 'Leads', help: "Persons with an active lead join the nurture list." },
];

function Toggle({ id, checked, onChange, label, help }: { id: string; checked: boolean; onChange: (v: boolean) => void; label: string; help: string }) {
  return (
    <div className="flex items-start justify-between gap-4 py-3">
      <div>
        <label htmlFor={id} className="font-medium">{label}</label>
        <p id={`${id}-help`} className="text-sm text-slate-600">{help}</p>
      </div>
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={checked}
        aria-describedby={`${id}-help`}
        onClick={() => onChange(!checked)}
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 ${checked ? 'bg-brand-600' : 'bg-slate-300'}`}
      >
        <span className={`inline-block h-5 w-5 rounded-full bg-white shadow transition ${checked ? 'translate-x-5' : 'translate-x-0.5'}`} />
      </button>
    </div>
  );
}

export function SyncObjectsEditor({ initial, version: initialVersion }: { initial: Settings; version: string }) {
  const [saved, setSaved] = useState(initial);
  const [s, setS] = useState(initial);
  const [version, setVersion] = useState(initialVersion);
  const [phone, setPhone] = useState(initial.defaultPhoneCountry ?? '');
  const patch = useMemo(() => ({ ...s, defaultPhoneCountry: phone.trim() === '' ? null : phone.trim().toUpperCase() }), [s, phone]);
  const dirty = JSON.stringify(patch) !== JSON.stringify({ ...saved });
  const invalid = !/^[A-Z]{3}$/.test(s.defaultCurrency) ? 'The currency must be a three-letter code such as EUR.' : phone.trim() !== '' && !/^[A-Za-z]{2}$/.test(phone.trim()) ? 'The phone country must be a two-letter code such as DE.' : null;

  return (
    <div className="mt-6 space-y-6">
      <Card id="sync-master" title="Sync" description="Pause everything at once, without changing anything else.">
        <Toggle id="sync-enabled" label="Sync is on" help="When off, no records or events are sent until you switch it back on." checked={s.enabled} onChange={(v) => setS({ ...s, enabled: v })} />
      </Card>
      <Card id="sync-objects" title="Objects" description="The connector's sync: block.">
        <div className="divide-y divide-slate-100">
          {objects.map((o) => (
            <Toggle key={o.key} id={`sync-${o.key}`} label={o.label} help={o.help} checked={s.sync[o.key]} onChange={(v) => setS({ ...s, sync: { ...s.sync, [o.key]: v } })} />
          ))}
        </div>
      </Card>
      <Card id="sync-behaviour" title="Behaviour">
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="currency" className="block text-sm font-medium">Currency of lifetime revenue</label>
            <input id="currency" className={`${inputClass} mt-1 w-32 uppercase`} maxLength={3} value={s.defaultCurrency} onChange={(e) => setS({ ...s, defaultCurrency: e.target.value.toUpperCase() })} />
          </div>
          <div>
            <label htmlFor="phone-country" className="block text-sm font-medium">Country of phone numbers without a country code</label>
            <input id="phone-country" className={`${inputClass} mt-1 w-32 uppercase`} maxLength={2} placeholder="e.g. DE" value={phone} onChange={(e) => setPhone(e.target.value)} />
          </div>
          <div>
            <label htmlFor="replay-days" className="block text-sm font-medium">Days of history a first sync replays as events</label>
            <input id="replay-days" type="number" min={0} max={365} className={`${inputClass} mt-1 w-32`} value={s.replayHistoryDays} onChange={(e) => setS({ ...s, replayHistoryDays: Math.max(0, Math.min(365, Number(e.target.value) || 0)) })} />
          </div>
          <div className="flex items-center gap-2 self-end">
            <input id="delete-contacts" type="checkbox" className="h-4 w-4" checked={s.deleteContactOnPersonDelete} onChange={(e) => setS({ ...s, deleteContactOnPersonDelete: e.target.checked })} />
            <label htmlFor="delete-contacts" className="text-sm font-medium">Delete the Brevo contact when its person is deleted</label>
          </div>
        </div>
      </Card>
      <ConfigSaveBar
        patch={patch}
        dirty={dirty}
        version={version}
        invalidReason={invalid}
        onSaved={(v) => {
          setVersion(v);
          setSaved(patch);
          setS(patch);
        }}
      />
    </div>
  );
}
