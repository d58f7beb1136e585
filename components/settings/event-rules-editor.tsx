'use client';

import { useMemo, useState } from 'react';
import { BREVO_EVENT_NAME } from '@/lib/sync/brevo-names';
import type { EventRule, SyncConfig } from '@/lib/sync/config';
import { buttonClass, Card, inputClass } from '@/components/ui/card';
import { ConfigSaveBar } from './config-save-bar';

const objects = ['person', 'deal', 'organization', 'activity', 'lead'] as const;
const objectToggle: Record<(typeof objects)[number], keyof SyncConfig['sync']> = { person: 'persons', deal: 'deals', organization: 'organizations', activity: 'activities', lead: 'leads' };
const actions: { value: EventRule['action'] | 'merge'; label: string }[] = [
  { value: 'create', label: 'is added' },
  { value: 'change', label: 'is updated' },
  { value: 'merge', label: 'is merged' },
  { value: 'delete', label: 'is deleted' },
  { value: 'stage_change', label: 'changes stage' },
];

type Row = { key: number; object: EventRule['object']; action: EventRule['action'] | 'merge'; brevoEvent: string };

const toRow = (r: EventRule, key: number): Row => ({ key, object: r.object, action: r.mergeOnly ? 'merge' : r.action, brevoEvent: r.brevoEvent });
const toRule = (r: Row): EventRule => ({ object: r.object, action: r.action === 'merge' ? 'change' : r.action, mergeOnly: r.action === 'merge', brevoEvent: r.brevoEvent.trim() });

function problemOf(row: Row, rows: Row[]): string | null {
  if (!BREVO_EVENT_NAME.test(row.brevoEvent.trim())) return 'Use letters, digits, - and _ only (Brevo event names).';
  if (row.action === 'stage_change' && row.object !== 'deal') return 'Only deals change stage.';
  if (row.action === 'merge' && row.object !== 'person' && row.object !== 'organization') return 'Only persons and organizations are merged.';
  const same = rows.find((o) => o.key !== row.key && o.key < row.key && o.object === row.object && o.action === row.action && o.brevoEvent.trim() === row.brevoEvent.trim());
  return same ? 'The same rule is listed twice.' : null;
}

/** The connector's webhooks: block — which Pipedrive event sends which Brevo event. */
export function EventRulesEditor({ initial, sync, version: initialVersion }: { initial: EventRule[]; sync: SyncConfig['sync']; version: string }) {
  const [rows, setRows] = useState(() => initial.map(toRow));
  const [saved, setSaved] = useState(initial);
  const [version, setVersion] = useState(initialVersion);
  const [nextKey, setNextKey] = useState(initial.length);
  const patch = useMemo(() => ({ eventRules: rows.map(toRule) }), [rows]);
  const dirty = JSON.stringify(patch.eventRules) !== JSON.stringify(saved);
  const problems = rows.map((r) => problemOf(r, rows));
  const firstProblem = problems.findIndex((p) => p !== null);
  const update = (key: number, change: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));

  return (
    <div className="mt-6 space-y-6">
      <Card
        id="event-rules"
        title="Rules"
        description="Each rule sends a Brevo event (for automations) when the Pipedrive event happens. Objects switched off under What to sync send nothing."
        actions={
          <button
            type="button"
            className={buttonClass.secondary}
            onClick={() => {
              setRows((rs) => [...rs, { key: nextKey, object: 'deal', action: 'stage_change', brevoEvent: 'deal_stage_changed' }]);
              setNextKey((k) => k + 1);
            }}
          >
            Add rule
          </button>
        }
      >
        {rows.length === 0 && <p className="text-sm text-slate-600">No rules: no Brevo events are sent.</p>}
        <ul className="space-y-3">
          {rows.map((r, i) => (
            <li key={r.key} className="flex flex-wrap items-start gap-2 rounded-md border border-slate-200 p-3" data-testid="event-rule">
              <span className="py-2 text-sm text-slate-600">When a</span>
              <label htmlFor={`rule-${r.key}-object`} className="sr-only">Pipedrive object of rule {i + 1}</label>
              <select id={`rule-${r.key}-object`} className={inputClass} value={r.object} onChange={(e) => update(r.key, { object: e.target.value as Row['object'] })}>
                {objects.map((o) => (
                  <option key={o} value={o}>{o}</option>
                ))}
              </select>
              <label htmlFor={`rule-${r.key}-action`} className="sr-only">Pipedrive event of rule {i + 1}</label>
              <select id={`rule-${r.key}-action`} className={inputClass} value={r.action} onChange={(e) => update(r.key, { action: e.target.value as Row['action'] })}>
                {actions.map((a) => (
                  <option key={a.value} value={a.value}>{a.label}</option>
                ))}
              </select>
              <span className="py-2 text-sm text-slate-600">send Brevo event</span>
              <div>
                <label htmlFor={`rule-${r.key}-event`} className="sr-only">Brevo event name of rule {i + 1}</label>
                <input id={`rule-${r.key}-event`} className={`${inputClass} w-56 font-mono`} value={r.brevoEvent} aria-invalid={problems[i] !== null} onChange={(e) => update(r.key, { brevoEvent: e.target.value })} />
                {problems[i] && <p className="mt-1 text-xs text-red-700">{problems[i]}</p>}
                {!sync[objectToggle[r.object]] && <p className="mt-1 text-xs text-amber-700">The sync of {objectToggle[r.object]} is off, so this rule sends nothing.</p>}
              </div>
              <button type="button" className={`${buttonClass.secondary} ml-auto`} aria-label={`Remove rule ${i + 1}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      </Card>
      <ConfigSaveBar
        patch={patch}
        dirty={dirty}
        version={version}
        invalidReason={firstProblem >= 0 ? `Rule ${firstProblem + 1}: ${problems[firstProblem]}` : null}
        onSaved={(v) => {
          setVersion(v);
          setSaved(patch.eventRules);
        }}
      />
    </div>
  );
}
