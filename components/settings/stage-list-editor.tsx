'use client';

import { useCallback, useMemo, useState } from 'react';
import type { ListCatalog, PipelineWithStages } from '@/lib/admin/load-stage-catalog';
import type { StageRule, SyncConfig } from '@/lib/sync/config';
import { buttonClass, Card } from '@/components/ui/card';
import { ConfigSaveBar } from './config-save-bar';
import { ListPicker, type ListPickerProps } from './list-picker';

type Lists = SyncConfig['lists'];

const lifecycle: { key: keyof Lists; label: string; help: string }[] = [
  { key: 'allContacts', label: 'All contacts', help: 'Every synced contact.' },
  { key: 'qualifiedLeads', label: 'Qualified leads', help: 'Contacts with at least one open deal.' },
  { key: 'customers', label: 'Customers', help: 'A won deal, and the latest closed deal was not lost.' },
  { key: 'churned', label: 'Churned', help: 'Won in the past, but the latest closed deal was lost.' },
  { key: 'nurture', label: 'Lead nurture', help: 'Contacts with an active (not archived) Pipedrive lead.' },
];

/** Rules keyed like the pickers' ids: `stage:12`, `won`, `lost`, `won:3`, `lost:3`. */
function ruleKey(rule: StageRule): string {
  if (rule.match === 'stage') return `stage:${rule.stageId}`;
  return rule.pipelineId === null ? rule.match : `${rule.match}:${rule.pipelineId}`;
}

function ruleOf(key: string, listId: number): StageRule {
  const [kind, id] = key.split(':');
  if (kind === 'stage') return { match: 'stage', stageId: Number(id), listId };
  return { match: kind as 'won' | 'lost', pipelineId: id === undefined ? null : Number(id), listId };
}

export function StageListEditor({ pipelines, catalog: initialCatalog, initialLists, initialRules, version: initialVersion }: { pipelines: PipelineWithStages[]; catalog: ListCatalog; initialLists: Lists; initialRules: StageRule[]; version: string }) {
  const [catalog, setCatalog] = useState(initialCatalog);
  const [lists, setLists] = useState(initialLists);
  const [rules, setRules] = useState(() => new Map(initialRules.map((r) => [ruleKey(r), r.listId])));
  const [saved, setSaved] = useState({ lists: initialLists, rules: initialRules });
  const [version, setVersion] = useState(initialVersion);
  const [collapsed, setCollapsed] = useState<Set<number>>(() => new Set());

  const onRuleChange = useCallback((id: string, listId: number | null) => {
    setRules((current) => {
      const next = new Map(current);
      const key = id.replace(/^rule-/, '');
      if (listId === null) next.delete(key);
      else next.set(key, listId);
      return next;
    });
  }, []);
  const onListChange = useCallback((id: string, listId: number | null) => setLists((l) => ({ ...l, [id.replace(/^list-/, '')]: listId })), []);
  const onCreated: ListPickerProps['onCreated'] = useCallback(({ list, folder }) => {
    setCatalog((c) => ({ lists: [...c.lists, list], folders: folder ? [...c.folders, folder] : c.folders }));
  }, []);

  const stageIds = useMemo(() => new Set(pipelines.flatMap((p) => p.stages.map((s) => s.id))), [pipelines]);
  const pipelineIds = useMemo(() => new Set(pipelines.map((p) => p.id)), [pipelines]);
  const orphans = [...rules.keys()].filter((k) => {
    const [kind, id] = k.split(':');
    if (id === undefined) return false;
    return kind === 'stage' ? !stageIds.has(Number(id)) : !pipelineIds.has(Number(id));
  });

  const stageRules = useMemo(() => [...rules.entries()].map(([k, v]) => ruleOf(k, v)), [rules]);
  const patch = useMemo(() => ({ lists, stageRules }), [lists, stageRules]);
  const canonical = (r: StageRule[]) => JSON.stringify([...r].map(ruleKey).sort()) + JSON.stringify([...r].sort((a, b) => ruleKey(a).localeCompare(ruleKey(b))).map((x) => x.listId));
  const dirty = JSON.stringify(lists) !== JSON.stringify(saved.lists) || canonical(stageRules) !== canonical(saved.rules);

  const picker = (key: string, label: string, emptyLabel?: string) => (
    <ListPicker id={`rule-${key}`} label={label} hideLabel value={rules.get(key) ?? null} catalog={catalog} onChange={onRuleChange} onCreated={onCreated} emptyLabel={emptyLabel} />
  );

  return (
    <div className="mt-6 space-y-6">
      <Card id="lifecycle" title="Lists by lifecycle" description="The connector's lists: block. Pipebridge keeps each contact in the lists that match its deals and leads.">
        <div className="grid gap-4 sm:grid-cols-2">
          {lifecycle.map((l) => (
            <div key={l.key}>
              <ListPicker id={`list-${l.key}`} label={l.label} value={lists[l.key]} catalog={catalog} onChange={onListChange} onCreated={onCreated} />
              <p className="mt-1 text-xs text-slate-500">{l.help}</p>
            </div>
          ))}
        </div>
      </Card>
      <Card id="won-lost" title="Won and lost, all pipelines" description="Used for every pipeline that has no won/lost list of its own.">
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <p className="text-sm font-medium" id="won-all-label">Won deals</p>
            {picker('won', 'Won deals, all pipelines')}
          </div>
          <div>
            <p className="text-sm font-medium">Lost deals</p>
            {picker('lost', 'Lost deals, all pipelines')}
          </div>
        </div>
      </Card>
      {pipelines.length === 0 && <p className="text-sm text-slate-600">This Pipedrive company has no pipelines yet.</p>}
      {pipelines.map((p) => {
        const open = !collapsed.has(p.id);
        const mapped = p.stages.filter((s) => rules.has(`stage:${s.id}`)).length;
        return (
          <section key={p.id} aria-labelledby={`pipeline-${p.id}`} className="rounded-lg border border-slate-200 bg-white shadow-sm">
            <h2 id={`pipeline-${p.id}`} className="text-lg font-semibold">
              <button
                type="button"
                aria-expanded={open}
                aria-controls={`pipeline-${p.id}-body`}
                onClick={() => setCollapsed((c) => { const n = new Set(c); if (open) n.add(p.id); else n.delete(p.id); return n; })}
                className="flex w-full items-center justify-between gap-3 rounded-lg px-6 py-4 text-left focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
              >
                <span>Pipeline: {p.name}</span>
                <span className="text-sm font-normal text-slate-500">{mapped} of {p.stages.length} stages mapped {open ? '▾' : '▸'}</span>
              </button>
            </h2>
            {open && (
              <div id={`pipeline-${p.id}-body`} className="px-6 pb-5">
                <table className="w-full text-left text-sm">
                  <thead className="text-xs uppercase tracking-wide text-slate-500">
                    <tr>
                      <th scope="col" className="w-10 py-2">#</th>
                      <th scope="col" className="py-2 pr-3">Stage</th>
                      <th scope="col" className="py-2">Brevo list</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {p.stages.map((s, i) => (
                      <tr key={s.id}>
                        <td className="py-2 text-slate-400">{i + 1}</td>
                        <th scope="row" className="py-2 pr-3 font-medium">{s.name}</th>
                        <td className="py-2">{picker(`stage:${s.id}`, `List for stage ${s.name} in ${p.name}`)}</td>
                      </tr>
                    ))}
                    <tr>
                      <td className="py-2 text-emerald-600" aria-hidden>✓</td>
                      <th scope="row" className="py-2 pr-3 font-medium">Won</th>
                      <td className="py-2">{picker(`won:${p.id}`, `List for won deals in ${p.name}`, 'Same as all pipelines')}</td>
                    </tr>
                    <tr>
                      <td className="py-2 text-red-600" aria-hidden>✗</td>
                      <th scope="row" className="py-2 pr-3 font-medium">Lost</th>
                      <td className="py-2">{picker(`lost:${p.id}`, `List for lost deals in ${p.name}`, 'Same as all pipelines')}</td>
                    </tr>
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
      {orphans.length > 0 && (
        <Card id="orphans" title="Rules for stages or pipelines that no longer exist" description="Pipedrive no longer has these; they do nothing. Remove them to keep the configuration clean.">
          <ul className="space-y-2 text-sm">
            {orphans.map((k) => (
              <li key={k} className="flex items-center justify-between gap-3">
                <span>{k.replace(':', ' ')} → list {rules.get(k)}</span>
                <button type="button" className={buttonClass.secondary} onClick={() => onRuleChange(`rule-${k}`, null)}>Remove</button>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <ConfigSaveBar
        patch={patch}
        dirty={dirty}
        version={version}
        onSaved={(v) => {
          setVersion(v);
          setSaved({ lists, rules: stageRules });
        }}
      />
    </div>
  );
}
