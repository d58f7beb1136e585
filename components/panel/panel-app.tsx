'use client';

import AppExtensionsSDK, { Color, Command, Event } from '@pipedrive/app-extensions-sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PanelList, PanelRecordView, PanelResource } from '@/lib/panel/panel-api-schemas';
import { PanelRequestError, panelFetch } from './panel-api';
import { PanelMessage } from './panel-message';
import { PanelRecord } from './panel-record';

export type PanelTheme = 'light' | 'dark';

export interface PanelAppProps {
  /** The SDK's runtime id (`?id=`); null when the page was opened outside Pipedrive. */
  identifier: string | null;
  target: { resource: PanelResource; id: number } | null;
  initialTheme: PanelTheme;
  /** The first load's token check, done on the server. */
  auth: { ok: true } | { ok: false; code: string; message: string };
}

type Load = { kind: 'loading' } | { kind: 'ready'; view: PanelRecordView } | { kind: 'error'; error: PanelRequestError };

/** Panels are 100 to 750 px high in Pipedrive. */
const clampHeight = (h: number) => Math.max(100, Math.min(750, Math.ceil(h)));

export function PanelApp({ identifier, target, initialTheme, auth }: PanelAppProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const sdkRef = useRef<AppExtensionsSDK | null>(null);
  const reloadRef = useRef<(() => Promise<void>) | null>(null);
  const [sdkState, setSdkState] = useState<'initializing' | 'ready' | 'failed'>('initializing');
  const [theme, setTheme] = useState<PanelTheme>(initialTheme);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);

  // Initialize first, before any data: Pipedrive hides a panel that is not initialized within 10 s.
  useEffect(() => {
    if (!identifier) return;
    let cancelled = false;
    let stopListening: (() => void) | undefined;
    const sdk = new AppExtensionsSDK({ identifier });
    // Opened outside Pipedrive (no host answers), the SDK would wait forever: say so instead.
    const noHost = setTimeout(() => !cancelled && setSdkState((s) => (s === 'initializing' ? 'failed' : s)), 10_000);
    sdk
      .initialize({ size: { height: clampHeight(rootRef.current?.getBoundingClientRect().height ?? 100) } })
      .then(() => {
        clearTimeout(noHost);
        if (cancelled) return;
        sdkRef.current = sdk;
        setTheme(String(sdk.userSettings.theme) === 'dark' ? 'dark' : 'light');
        const stopTheme = sdk.listen(Event.USER_SETTINGS_CHANGE, (res) => {
          const next = (res.data as { theme?: string } | undefined)?.theme;
          if (next) setTheme(next === 'dark' ? 'dark' : 'light');
        });
        // A collapsed panel may be expanded much later: show what Brevo holds now, not then.
        const stopVisibility = sdk.listen(Event.VISIBILITY, (res) => {
          if ((res.data as { is_visible?: boolean } | undefined)?.is_visible) void reloadRef.current?.();
        });
        stopListening = () => {
          stopTheme();
          stopVisibility();
        };
        setSdkState('ready');
      })
      .catch(() => !cancelled && setSdkState('failed'));
    return () => {
      cancelled = true;
      clearTimeout(noHost);
      stopListening?.();
    };
  }, [identifier]);

  // Keep the iframe as high as the content, so nothing is cut off and no inner scrollbar appears.
  useEffect(() => {
    const sdk = sdkRef.current;
    const root = rootRef.current;
    if (sdkState !== 'ready' || !sdk || !root) return;
    let last = 0;
    const send = () => {
      const height = clampHeight(root.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      void sdk.execute(Command.RESIZE, { height }).catch(() => undefined);
    };
    const observer = new ResizeObserver(send);
    observer.observe(root);
    send();
    return () => observer.disconnect();
  }, [sdkState]);

  const getToken = useCallback(async () => {
    const sdk = sdkRef.current;
    if (!sdk) throw new Error('SDK not ready');
    return (await sdk.execute(Command.GET_SIGNED_TOKEN)).token;
  }, []);

  const snackbar = useCallback((message: string, link?: { url: string; label: string }) => {
    void sdkRef.current?.execute(Command.SHOW_SNACKBAR, { message, ...(link ? { link } : {}) }).catch(() => undefined);
  }, []);

  const fetchView = useCallback(async () => {
    if (!target) throw new Error('no record');
    const { record } = await panelFetch<{ record: PanelRecordView }>(getToken, `/api/panel/record?resource=${target.resource}&id=${target.id}`);
    return record;
  }, [getToken, target]);

  const reload = useCallback(async () => {
    try {
      setLoad({ kind: 'ready', view: await fetchView() });
    } catch (err) {
      setLoad({ kind: 'error', error: toRequestError(err) });
    }
  }, [fetchView]);
  useEffect(() => {
    reloadRef.current = auth.ok && target ? reload : null;
  }, [auth.ok, target, reload]);

  useEffect(() => {
    if (sdkState === 'ready' && auth.ok && target) void reload();
  }, [sdkState, auth.ok, target, reload]);

  /** Runs an action; a refused token replaces the panel with the explanation, other errors go to the snackbar. */
  const act = useCallback(
    async (name: string, run: () => Promise<void>) => {
      setBusy(name);
      try {
        await run();
      } catch (err) {
        const e = toRequestError(err);
        if (e.isAuth) setLoad({ kind: 'error', error: e });
        else snackbar(e.message);
      } finally {
        setBusy(null);
      }
    },
    [snackbar],
  );

  const syncNow = () =>
    act('sync', async () => {
      if (!target) return;
      const { jobIds } = await panelFetch<{ jobIds: string[] }>(getToken, '/api/panel/sync', { method: 'POST', body: { resource: target.resource, id: target.id } });
      const outcome = await waitForJobs(jobIds, (id) => panelFetch<{ state: string }>(getToken, `/api/panel/sync?jobId=${encodeURIComponent(id)}`).then((r) => r.state));
      const view = await fetchView();
      setLoad({ kind: 'ready', view });
      if (outcome === 'done') snackbar(view.issues.length > 0 ? `Synced, with a problem: ${view.issues[0]!.reason}` : 'Synced with Brevo.');
      else if (outcome === 'failed') snackbar('The sync failed; Pipebridge will retry it. Details are under "Sync problems".');
      else snackbar('The sync is queued and will finish shortly. Reopen the panel to see the result.');
    });

  const changeList = (view: PanelRecordView, list: PanelList, action: 'add' | 'remove') =>
    act(`${action}-${list.id}`, async () => {
      const sdk = sdkRef.current;
      if (!sdk || !target) return;
      const who = view.contact?.email ?? 'This contact';
      const { confirmed } = await sdk.execute(
        Command.SHOW_CONFIRMATION,
        action === 'add'
          ? { title: `Add to "${list.name}"?`, description: `${who} will be added to the Brevo list "${list.name}". Automations that start on this list will run.`, okText: 'Add to list', cancelText: 'Cancel', okColor: Color.PRIMARY }
          : { title: `Remove from "${list.name}"?`, description: `${who} will be removed from the Brevo list "${list.name}".`, okText: 'Remove', cancelText: 'Cancel', okColor: Color.NEGATIVE },
      );
      if (!confirmed) return;
      await panelFetch(getToken, '/api/panel/lists', { method: 'POST', body: { resource: target.resource, id: target.id, listId: list.id, action } });
      setLoad({ kind: 'ready', view: await fetchView() });
      snackbar(action === 'add' ? `Added to "${list.name}".` : `Removed from "${list.name}".`);
    });

  return (
    <div ref={rootRef} className="panel-root p-3 text-sm" data-theme={theme} data-testid="panel-root" data-sdk={sdkState}>
      {!identifier ? (
        <PanelMessage tone="bad" title="Open this panel from Pipedrive">
          This page is Pipebridge&apos;s panel for Pipedrive&apos;s person and deal views. It only works inside Pipedrive, which tells it who you are.
        </PanelMessage>
      ) : !auth.ok ? (
        <PanelMessage tone="bad" title="Pipebridge could not verify you" code={auth.code}>
          {auth.message}
        </PanelMessage>
      ) : !target ? (
        <PanelMessage tone="bad" title="No record to show">
          Pipedrive did not say which person or deal this panel belongs to. The panel works in the person and deal detail views.
        </PanelMessage>
      ) : sdkState === 'failed' ? (
        <PanelMessage tone="bad" title="Pipedrive did not answer">
          The connection to Pipedrive could not be set up. Open this panel from a person or deal in Pipedrive, or reload the page.
        </PanelMessage>
      ) : load.kind === 'error' ? (
        <PanelMessage tone="bad" title={load.error.isAuth ? 'Pipebridge could not verify you' : 'Something went wrong'} code={load.error.code}>
          {load.error.message}
          {!load.error.isAuth && (
            <button type="button" className="mt-2 block rounded border border-[var(--panel-border)] px-2 py-1" onClick={() => void reload()}>
              Try again
            </button>
          )}
        </PanelMessage>
      ) : load.kind === 'loading' ? (
        <p className="py-4 text-[var(--panel-muted)]" aria-busy="true">Loading the Brevo contact…</p>
      ) : (
        <PanelRecord view={load.view} busy={busy} onSync={() => void syncNow()} onAddToList={(l) => void changeList(load.view, l, 'add')} onRemoveFromList={(l) => void changeList(load.view, l, 'remove')} />
      )}
    </div>
  );
}

function toRequestError(err: unknown): PanelRequestError {
  if (err instanceof PanelRequestError) return err;
  return new PanelRequestError(0, 'client', err instanceof Error ? err.message : 'Unexpected error.');
}

/** Polls the sync jobs until they end (about 30 s at most: the panel is not a place to wait longer). */
async function waitForJobs(jobIds: string[], stateOf: (id: string) => Promise<string>): Promise<'done' | 'failed' | 'pending'> {
  const deadline = Date.now() + 30_000;
  let delay = 300;
  while (Date.now() < deadline) {
    const states = await Promise.all(jobIds.map(stateOf));
    if (states.some((s) => s === 'failed')) return 'failed';
    if (states.every((s) => s === 'completed')) return 'done';
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 2000);
  }
  return 'pending';
}
