'use client';

import { memo, useCallback, useDeferredValue, useMemo, useState } from 'react';
import {
  companyAttributeCompatibility,
  contactAttributeCompatibility,
  creatableCompanyTypes,
  creatableContactTypes,
  type Compatibility,
  type SourceOption,
} from '@/lib/admin/attribute-compatibility';
import type { MappingCatalog } from '@/lib/admin/load-mapping-catalog';
import { parseOrganizationSource, parsePersonSource } from '@/lib/sync/mapping-source';
import { Alert } from '@/components/ui/alert';
import { buttonClass, Card, inputClass } from '@/components/ui/card';
import { sendJson } from '@/components/ui/send-json';
import { ConfigSaveBar } from './config-save-bar';

type Entry = { source: string; attribute: string };
type Side = 'person' | 'organization';

/** A Brevo attribute as the pickers show it; `missing` ones are named in the mapping but not in Brevo yet. */
type Target = { value: string; label: string; type?: string; category?: string; missing?: boolean };

function contactTargets(catalog: MappingCatalog, entries: Entry[]): Target[] {
  const known = catalog.contactAttributes.filter((a) => a.name !== 'EMAIL').map((a): Target => ({ value: a.name, label: a.name, type: a.type, category: a.category }));
  const names = new Set(known.map((t) => t.value));
  const missing = entries.filter((e) => e.attribute !== 'email' && !names.has(e.attribute)).map((e): Target => ({ value: e.attribute, label: e.attribute, missing: true }));
  return [{ value: 'email', label: 'Contact email (identifier)', type: 'text', category: 'normal' }, ...known, ...dedupe(missing)];
}

function companyTargets(catalog: MappingCatalog, entries: Entry[]): Target[] {
  const known = catalog.companyAttributes.map((a): Target => ({ value: a.internalName, label: `${a.label} (${a.internalName})`, type: a.attributeTypeName }));
  const names = new Set(known.map((t) => t.value));
  return [...known, ...dedupe(entries.filter((e) => !names.has(e.attribute)).map((e): Target => ({ value: e.attribute, label: e.attribute, missing: true })))];
}

function dedupe(targets: Target[]): Target[] {
  return [...new Map(targets.map((t) => [t.value, t])).values()];
}

function compatibilityOf(side: Side, source: SourceOption, target: Target): Compatibility {
  // Attributes that do not exist yet are created by the sync with the source's own type.
  if (target.missing) return { ok: true };
  return side === 'person'
    ? contactAttributeCompatibility(source, { name: target.value, type: target.type, category: target.category })
    : companyAttributeCompatibility(source, { internalName: target.value, attributeTypeName: target.type ?? 'text' });
}

function suggestName(side: Side, label: string): string {
  const base = label.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (side === 'organization') return label.trim();
  const upper = base.toUpperCase();
  return /^[A-Z]/.test(upper) ? upper : `PD_${upper}`;
}

const typeLabel: Record<string, string> = { float: 'number', 'multiple-choice': 'multiple choice', 'multi-choice': 'multiple choice' };

interface RowProps {
  side: Side;
  source: SourceOption;
  attributes: string[];
  targets: Target[];
  usedBy: Map<string, string>;
  onChange: (source: string, index: number, attribute: string) => void;
  onCreated: (side: Side, source: string, target: Target) => void;
}

/** One Pipedrive field and the attribute(s) it fills. Memoized: 300 custom fields stay fast to edit. */
const MappingRow = memo(function MappingRow({ side, source, attributes, targets, usedBy, onChange, onCreated }: RowProps) {
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const types = side === 'person' ? creatableContactTypes(source.valueType) : creatableCompanyTypes(source.valueType);
  const [type, setType] = useState<string>(types[0] ?? 'text');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const rowId = `${side}-${source.value}`;
  const slots = attributes.length === 0 ? [''] : attributes;

  async function create() {
    setBusy(true);
    setError(null);
    const body = side === 'person' ? { object: 'person', name, type, options: source.options } : { object: 'organization', label: name, type, options: source.options };
    const res = await sendJson<{ attribute: { name: string; type: string } }>('/api/settings/brevo/attributes', 'POST', body);
    setBusy(false);
    if (!res.ok) return setError(res.message);
    setCreating(false);
    onCreated(side, source.value, { value: res.data.attribute.name, label: side === 'person' ? res.data.attribute.name : `${name} (${res.data.attribute.name})`, type: res.data.attribute.type, category: 'normal' });
  }

  return (
    <tr className="align-top" data-testid={`row-${source.value}`}>
      <td className="py-2 pr-3">
        <div className="font-medium">{source.label}</div>
        <div className="text-xs text-slate-500">{source.group}</div>
      </td>
      <td className="hidden py-2 pr-3 text-sm text-slate-600 sm:table-cell">{source.fieldType}</td>
      <td className="hidden max-w-[9rem] truncate py-2 pr-3 font-mono text-xs text-slate-500 lg:table-cell" title={source.key}>{source.key}</td>
      <td className="py-2">
        {slots.map((attribute, index) => {
          const selected = targets.find((t) => t.value === attribute);
          const compat = selected ? compatibilityOf(side, source, selected) : ({ ok: true } as const);
          return (
            <div key={index} className="mb-1">
              <label htmlFor={`${rowId}-${index}`} className="sr-only">Brevo attribute for {source.label}</label>
              <select
                id={`${rowId}-${index}`}
                value={attribute}
                aria-invalid={!compat.ok}
                aria-describedby={!compat.ok ? `${rowId}-${index}-why` : undefined}
                onChange={(e) => onChange(source.value, index, e.target.value)}
                className={`${inputClass} w-full max-w-xs ${!compat.ok ? 'border-red-400 ring-1 ring-red-300' : ''}`}
              >
                <option value="">— not synced —</option>
                <optgroup label="Compatible">
                  {targets
                    .filter((t) => compatibilityOf(side, source, t).ok)
                    .map((t) => {
                      const other = usedBy.get(t.value);
                      const inUse = other !== undefined && other !== source.value;
                      return (
                        <option key={t.value} value={t.value} disabled={inUse}>
                          {t.label}
                          {t.type ? ` · ${typeLabel[t.type] ?? t.type}` : ''}
                          {t.missing ? ' · created on next sync' : ''}
                          {inUse ? ' · already mapped' : ''}
                        </option>
                      );
                    })}
                </optgroup>
                <optgroup label="Other types (not compatible)">
                  {targets
                    .filter((t) => !compatibilityOf(side, source, t).ok)
                    .map((t) => (
                      <option key={t.value} value={t.value}>
                        {t.label}
                        {t.type ? ` · ${typeLabel[t.type] ?? t.type}` : ''}
                      </option>
                    ))}
                </optgroup>
              </select>
              {!compat.ok && (
                <p id={`${rowId}-${index}-why`} className="mt-1 max-w-xs text-xs text-red-700">
                  {compat.reason}
                </p>
              )}
            </div>
          );
        })}
        {!creating ? (
          <button
            type="button"
            className="text-xs font-medium text-brand-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
            onClick={() => {
              setCreating(true);
              if (name === '') setName(suggestName(side, source.label));
            }}
          >
            New Brevo attribute…
          </button>
        ) : (
          <div className="mt-1 max-w-xs rounded-md border border-slate-200 bg-slate-50 p-2" role="group" aria-label={`New Brevo attribute for ${source.label}`}>
            <label htmlFor={`${rowId}-new-name`} className="block text-xs font-medium">{side === 'person' ? 'Attribute name' : 'Attribute label'}</label>
            <input id={`${rowId}-new-name`} className={`${inputClass} mt-0.5 w-full`} value={name} onChange={(e) => setName(e.target.value)} />
            <label htmlFor={`${rowId}-new-type`} className="mt-2 block text-xs font-medium">Type</label>
            <select id={`${rowId}-new-type`} className={`${inputClass} mt-0.5 w-full`} value={type} onChange={(e) => setType(e.target.value)}>
              {types.map((t) => (
                <option key={t} value={t}>{typeLabel[t] ?? t}</option>
              ))}
            </select>
            {error && <Alert tone="error" className="mt-2 text-xs">{error}</Alert>}
            <div className="mt-2 flex gap-2">
              <button type="button" className={buttonClass.primary} disabled={busy || name.trim() === ''} onClick={() => void create()}>
                {busy ? 'Creating…' : 'Create in Brevo'}
              </button>
              <button type="button" className={buttonClass.secondary} onClick={() => setCreating(false)}>Cancel</button>
            </div>
          </div>
        )}
      </td>
    </tr>
  );
});

function groupEntries(entries: Entry[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of entries) map.set(e.source, [...(map.get(e.source) ?? []), e.attribute]);
  return map;
}

function unknownSource(value: string): SourceOption {
  const key = value.replace(/^custom_fields\./, '');
  return { value, label: `Unknown field ${key}`, group: 'Custom fields', fieldType: 'deleted in Pipedrive?', key, valueType: 'text', options: [], isPhone: false, isEmail: false };
}

function MappingTable({ side, sources, entries, setEntries, targets, onCreated }: { side: Side; sources: SourceOption[]; entries: Entry[]; setEntries: (fn: (e: Entry[]) => Entry[]) => void; targets: Target[]; onCreated: RowProps['onCreated'] }) {
  const [query, setQuery] = useState('');
  const [show, setShow] = useState<'all' | 'mapped' | 'custom'>('all');
  const deferredQuery = useDeferredValue(query);
  const bySource = useMemo(() => groupEntries(entries), [entries]);
  const usedBy = useMemo(() => new Map(entries.map((e) => [e.attribute, e.source])), [entries]);
  const allSources = useMemo(() => {
    const known = new Set(sources.map((s) => s.value));
    return [...sources, ...[...bySource.keys()].filter((s) => !known.has(s)).map(unknownSource)];
  }, [sources, bySource]);
  const visible = useMemo(() => {
    const q = deferredQuery.trim().toLowerCase();
    return allSources.filter((s) => {
      if (show === 'mapped' && !bySource.has(s.value)) return false;
      if (show === 'custom' && s.group !== 'Custom fields') return false;
      return q === '' || s.label.toLowerCase().includes(q) || s.key.toLowerCase().includes(q) || (bySource.get(s.value) ?? []).some((a) => a.toLowerCase().includes(q));
    });
  }, [allSources, bySource, deferredQuery, show]);

  const onChange = useCallback(
    (source: string, index: number, attribute: string) =>
      setEntries((current) => {
        const mine = current.filter((e) => e.source === source);
        const rest = current.filter((e) => e.source !== source);
        const next = mine.map((e) => e.attribute);
        if (index < next.length) next[index] = attribute;
        else next.push(attribute);
        const position = current.findIndex((e) => e.source === source);
        const replaced = next.filter((a) => a !== '').map((a) => ({ source, attribute: a }));
        if (position < 0) return [...rest, ...replaced];
        return [...rest.slice(0, position), ...replaced, ...rest.slice(position)];
      }),
    [setEntries],
  );

  return (
    <div>
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={`${side}-search`} className="block text-xs font-medium text-slate-600">Search fields or attributes</label>
          <input id={`${side}-search`} type="search" className={`${inputClass} mt-0.5 w-64`} value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. industry" />
        </div>
        <div>
          <label htmlFor={`${side}-show`} className="block text-xs font-medium text-slate-600">Show</label>
          <select id={`${side}-show`} className={`${inputClass} mt-0.5`} value={show} onChange={(e) => setShow(e.target.value as typeof show)}>
            <option value="all">All fields ({allSources.length})</option>
            <option value="mapped">Mapped only ({bySource.size})</option>
            <option value="custom">Custom fields</option>
          </select>
        </div>
        <p className="text-sm text-slate-500" aria-live="polite">{visible.length} shown</p>
      </div>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">{side === 'person' ? 'Pipedrive person fields and the Brevo contact attributes they fill' : 'Pipedrive organization fields and the Brevo company attributes they fill'}</caption>
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-3">Pipedrive field</th>
              <th scope="col" className="hidden py-2 pr-3 sm:table-cell">Type</th>
              <th scope="col" className="hidden py-2 pr-3 lg:table-cell">Key</th>
              <th scope="col" className="py-2">Brevo attribute</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {visible.map((s) => (
              <MappingRow key={s.value} side={side} source={s} attributes={bySource.get(s.value) ?? []} targets={targets} usedBy={usedBy} onChange={onChange} onCreated={onCreated} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function FieldMappingEditor({
  catalog,
  version: initialVersion,
  initialPerson,
  initialOrganization,
  defaultPerson,
  defaultOrganization,
}: {
  catalog: MappingCatalog;
  version: string;
  initialPerson: Entry[];
  initialOrganization: Entry[];
  defaultPerson: Entry[];
  defaultOrganization: Entry[];
}) {
  const [tab, setTab] = useState<Side>('person');
  const [person, setPerson] = useState(initialPerson);
  const [organization, setOrganization] = useState(initialOrganization);
  const [saved, setSaved] = useState({ person: initialPerson, organization: initialOrganization });
  const [version, setVersion] = useState(initialVersion);
  const [created, setCreated] = useState<{ person: Target[]; organization: Target[] }>({ person: [], organization: [] });

  const personTargets = useMemo(() => dedupe([...contactTargets(catalog, person).filter((t) => !created.person.some((c) => c.value === t.value)), ...created.person]), [catalog, person, created.person]);
  const organizationTargets = useMemo(() => dedupe([...companyTargets(catalog, organization).filter((t) => !created.organization.some((c) => c.value === t.value)), ...created.organization]), [catalog, organization, created.organization]);

  const onCreated = useCallback((side: Side, source: string, target: Target) => {
    setCreated((c) => ({ ...c, [side]: [...c[side], target] }));
    const set = side === 'person' ? setPerson : setOrganization;
    set((entries) => [...entries.filter((e) => e.source !== source), { source, attribute: target.value }]);
  }, []);

  const problems = useMemo(() => {
    const out: string[] = [];
    const check = (side: Side, entries: Entry[], sources: SourceOption[], targets: Target[]) => {
      for (const e of entries) {
        const source = sources.find((s) => s.value === e.source) ?? unknownSource(e.source);
        const target = targets.find((t) => t.value === e.attribute);
        if (target && !compatibilityOf(side, source, target).ok) out.push(`${source.label} → ${target.value}`);
      }
    };
    check('person', person, catalog.personSources, personTargets);
    check('organization', organization, catalog.organizationSources, organizationTargets);
    return out;
  }, [person, organization, catalog, personTargets, organizationTargets]);

  const patch = useMemo(
    () => ({
      personMapping: person.map((e) => ({ source: parsePersonSource(e.source), attribute: e.attribute })),
      organizationMapping: organization.map((e) => ({ source: parseOrganizationSource(e.source), attribute: e.attribute })),
    }),
    [person, organization],
  );
  const dirty = JSON.stringify(person) !== JSON.stringify(saved.person) || JSON.stringify(organization) !== JSON.stringify(saved.organization);
  const noEmail = !person.some((e) => e.attribute === 'email');

  const tabs: { id: Side; label: string; count: number }[] = [
    { id: 'person', label: 'Persons → contacts', count: person.length },
    { id: 'organization', label: 'Organizations → companies', count: organization.length },
  ];

  return (
    <div className="mt-6 space-y-4">
      <div role="tablist" aria-label="Object" className="flex gap-2 border-b border-slate-200">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            type="button"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            onClick={() => setTab(t.id)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 ${tab === t.id ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-600 hover:text-slate-900'}`}
          >
            {t.label} <span className="ml-1 rounded bg-slate-100 px-1.5 text-xs">{t.count}</span>
          </button>
        ))}
      </div>
      <div id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
        <Card
          id={`mapping-${tab}`}
          title={tab === 'person' ? 'Person fields' : 'Organization fields'}
          description={tab === 'person' ? 'Standard, organization, computed and custom fields of a Pipedrive person.' : 'Fields of a Pipedrive organization, written to the Brevo company.'}
          actions={
            <button
              type="button"
              className={buttonClass.secondary}
              onClick={() => (tab === 'person' ? setPerson(defaultPerson) : setOrganization(defaultOrganization))}
            >
              Reset to default mapping
            </button>
          }
        >
          {tab === 'person' ? (
            <MappingTable side="person" sources={catalog.personSources} entries={person} setEntries={setPerson} targets={personTargets} onCreated={onCreated} />
          ) : (
            <MappingTable side="organization" sources={catalog.organizationSources} entries={organization} setEntries={setOrganization} targets={organizationTargets} onCreated={onCreated} />
          )}
        </Card>
      </div>
      <ConfigSaveBar
        patch={patch}
        dirty={dirty}
        version={version}
        invalidReason={problems.length > 0 ? `Fix the incompatible mapping${problems.length > 1 ? 's' : ''}: ${problems.join(', ')}` : noEmail ? "Map the person's email to the contact email: Brevo identifies contacts by it." : null}
        onSaved={(v) => {
          setVersion(v);
          setSaved({ person, organization });
        }}
      />
    </div>
  );
}
