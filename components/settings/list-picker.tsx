'use client';

import { memo, useState } from 'react';
import type { ListCatalog } from '@/lib/admin/load-stage-catalog';
import { Alert } from '@/components/ui/alert';
import { buttonClass, inputClass } from '@/components/ui/card';
import { sendJson } from '@/components/ui/send-json';

const CREATE = '__create__';

export interface ListPickerProps {
  id: string;
  label: string;
  /** Visually hide the label (tables with their own headings). */
  hideLabel?: boolean;
  value: number | null;
  catalog: ListCatalog;
  onChange: (id: string, listId: number | null) => void;
  onCreated: (created: { list: { id: number; name: string; folderId: number }; folder?: { id: number; name: string } }) => void;
  /** Text of the empty choice ("— no list —", "Same as all pipelines"). */
  emptyLabel?: string;
}

/** A Brevo list picker grouped by folder, with "create a new list" inline (Brevo lists need a folder). */
export const ListPicker = memo(function ListPicker({ id, label, hideLabel, value, catalog, onChange, onCreated, emptyLabel = '— no list —' }: ListPickerProps) {
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [folder, setFolder] = useState<string>(catalog.folders[0] ? String(catalog.folders[0].id) : 'new');
  const [newFolder, setNewFolder] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const byFolder = new Map<number | null, ListCatalog['lists']>();
  for (const l of catalog.lists) byFolder.set(l.folderId, [...(byFolder.get(l.folderId) ?? []), l]);
  const unknown = value !== null && !catalog.lists.some((l) => l.id === value);

  async function create() {
    setBusy(true);
    setError(null);
    const res = await sendJson<{ list: { id: number; name: string; folderId: number }; folder?: { id: number; name: string } }>(
      '/api/settings/brevo/lists',
      'POST',
      folder === 'new' ? { name, newFolderName: newFolder } : { name, folderId: Number(folder) },
    );
    setBusy(false);
    if (!res.ok) return setError(res.message);
    onCreated(res.data);
    onChange(id, res.data.list.id);
    setCreating(false);
    setName('');
  }

  return (
    <div>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'block text-sm font-medium'}>{label}</label>
      <select
        id={id}
        className={`${inputClass} ${hideLabel ? '' : 'mt-1'} w-full max-w-xs`}
        value={value === null ? '' : String(value)}
        onChange={(e) => {
          if (e.target.value === CREATE) return setCreating(true);
          onChange(id, e.target.value === '' ? null : Number(e.target.value));
        }}
      >
        <option value="">{emptyLabel}</option>
        {unknown && <option value={String(value)}>List {value} (not found in Brevo)</option>}
        {catalog.folders.map((f) => (
          <optgroup key={f.id} label={f.name}>
            {(byFolder.get(f.id) ?? []).map((l) => (
              <option key={l.id} value={String(l.id)}>{l.name}</option>
            ))}
          </optgroup>
        ))}
        {(byFolder.get(null) ?? []).map((l) => (
          <option key={l.id} value={String(l.id)}>{l.name}</option>
        ))}
        <option value={CREATE}>+ Create a new list…</option>
      </select>
      {creating && (
        <div className="mt-2 max-w-xs rounded-md border border-slate-200 bg-slate-50 p-2" role="group" aria-label={`New Brevo list for ${label}`}>
          <label htmlFor={`${id}-new-name`} className="block text-xs font-medium">List name</label>
          <input id={`${id}-new-name`} className={`${inputClass} mt-0.5 w-full`} value={name} onChange={(e) => setName(e.target.value)} />
          <label htmlFor={`${id}-new-folder`} className="mt-2 block text-xs font-medium">Folder</label>
          <select id={`${id}-new-folder`} className={`${inputClass} mt-0.5 w-full`} value={folder} onChange={(e) => setFolder(e.target.value)}>
            {catalog.folders.map((f) => (
              <option key={f.id} value={String(f.id)}>{f.name}</option>
            ))}
            <option value="new">New folder…</option>
          </select>
          {folder === 'new' && (
            <>
              <label htmlFor={`${id}-new-folder-name`} className="mt-2 block text-xs font-medium">New folder name</label>
              <input id={`${id}-new-folder-name`} className={`${inputClass} mt-0.5 w-full`} value={newFolder} onChange={(e) => setNewFolder(e.target.value)} />
            </>
          )}
          {error && <Alert tone="error" className="mt-2 text-xs">{error}</Alert>}
          <div className="mt-2 flex gap-2">
            <button type="button" className={buttonClass.primary} disabled={busy || name.trim() === '' || (folder === 'new' && newFolder.trim() === '')} onClick={() => void create()}>
              {busy ? 'Creating…' : 'Create list'}
            </button>
            <button type="button" className={buttonClass.secondary} onClick={() => setCreating(false)}>Cancel</button>
          </div>
        </div>
      )}
    </div>
  );
});
