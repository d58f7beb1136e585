import { describe, expect, it } from 'vitest';
import { BatchCoalescer, shouldSend, takeBatch } from './batch-coalescer';

interface Item {
  key: string;
  v: string;
}

/** A `send` whose calls the test answers by hand, to see what is merged while a call is in flight. */
function manualSend(answer: (items: readonly Item[]) => string[] = (items) => items.map((i) => `ok:${i.v}`)) {
  const calls: { items: Item[]; finish: () => void; fail: (e: unknown) => void }[] = [];
  const send = (items: readonly Item[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items: [...items], finish: () => resolve(answer(items)), fail: reject });
    });
  return { calls, send };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const items = (key: string, ...vs: string[]) => vs.map((v) => ({ key, v }));

describe('takeBatch', () => {
  it('takes items in arrival order up to the maximum', () => {
    expect(takeBatch(['a', 'b', 'c', 'd'], new Set(), 3)).toEqual([0, 1, 2]);
  });

  it('skips a key in flight and a key already taken, so a contact’s later update waits for the next call', () => {
    expect(takeBatch(['a', 'b', 'a', 'c', 'b'], new Set(['c']), 10)).toEqual([0, 1]);
  });
});

describe('shouldSend', () => {
  it('sends at once when idle, holds partial calls while one is in flight, lets full calls through up to the limit', () => {
    expect(shouldSend(1, 0, 100, 4)).toBe(true);
    expect(shouldSend(99, 1, 100, 4)).toBe(false);
    expect(shouldSend(100, 3, 100, 4)).toBe(true);
    expect(shouldSend(100, 4, 100, 4)).toBe(false);
    expect(shouldSend(0, 0, 100, 4)).toBe(false);
  });
});

describe('BatchCoalescer', () => {
  it('sends the first caller at once and merges the callers that arrive meanwhile into the next call, each getting its own outcomes', async () => {
    const s = manualSend();
    const c = new BatchCoalescer<Item, string>({ maxItems: 100, maxInFlight: 4, keyOf: (i) => i.key, send: s.send });
    const first = c.submit(items('a', 'a1'));
    await tick();
    expect(s.calls).toHaveLength(1);
    const second = c.submit([...items('b', 'b1'), ...items('c', 'c1')]);
    const third = c.submit(items('d', 'd1'));
    await tick();
    expect(s.calls).toHaveLength(1);
    s.calls[0]!.finish();
    expect(await first).toEqual(['ok:a1']);
    await tick();
    expect(s.calls).toHaveLength(2);
    expect(s.calls[1]!.items.map((i) => i.v)).toEqual(['b1', 'c1', 'd1']);
    s.calls[1]!.finish();
    expect(await second).toEqual(['ok:b1', 'ok:c1']);
    expect(await third).toEqual(['ok:d1']);
  });

  it('callers of the same tick share the first call', async () => {
    const s = manualSend();
    const c = new BatchCoalescer<Item, string>({ maxItems: 100, maxInFlight: 1, keyOf: (i) => i.key, send: s.send });
    const all = Promise.all([c.submit(items('a', 'a1')), c.submit(items('b', 'b1'))]);
    await tick();
    expect(s.calls).toHaveLength(1);
    s.calls[0]!.finish();
    expect(await all).toEqual([['ok:a1'], ['ok:b1']]);
  });

  it('never puts more than maxItems in a call, and sends full calls in parallel', async () => {
    const s = manualSend();
    const c = new BatchCoalescer<Item, string>({ maxItems: 100, maxInFlight: 4, keyOf: (i) => i.key, send: s.send });
    const many = Array.from({ length: 250 }, (_, i) => ({ key: `k${i}`, v: `v${i}` }));
    const done = c.submit(many);
    await tick();
    // Two full calls go at once; the partial remainder waits for them (Nagle).
    expect(s.calls.map((x) => x.items.length)).toEqual([100, 100]);
    s.calls[0]!.finish();
    s.calls[1]!.finish();
    await tick();
    expect(s.calls.map((x) => x.items.length)).toEqual([100, 100, 50]);
    s.calls[2]!.finish();
    const out = await done;
    expect(out).toHaveLength(250);
    expect(out[0]).toBe('ok:v0');
    expect(out[249]).toBe('ok:v249');
  });

  it('keeps a contact’s updates in order: the later one goes in a later call, after the first is answered', async () => {
    const s = manualSend();
    const c = new BatchCoalescer<Item, string>({ maxItems: 100, maxInFlight: 4, keyOf: (i) => i.key, send: s.send });
    const a = c.submit([...items('jane', 'old'), ...items('bob', 'b1')]);
    const b = c.submit([...items('jane', 'new'), ...items('amy', 'a1')]);
    await tick();
    expect(s.calls.map((x) => x.items.map((i) => i.v))).toEqual([['old', 'b1', 'a1']]);
    s.calls[0]!.finish();
    await tick();
    expect(s.calls[1]!.items.map((i) => i.v)).toEqual(['new']);
    s.calls[1]!.finish();
    expect(await a).toEqual(['ok:old', 'ok:b1']);
    expect(await b).toEqual(['ok:new', 'ok:a1']);
  });

  it('gives a refused record’s outcome to its caller only', async () => {
    const s = manualSend((xs) => xs.map((i) => (i.v === 'bad' ? 'refused' : `ok:${i.v}`)));
    const c = new BatchCoalescer<Item, string>({ maxItems: 100, maxInFlight: 1, keyOf: (i) => i.key, send: s.send });
    const good = c.submit(items('a', 'a1'));
    const bad = c.submit([...items('b', 'bad'), ...items('c', 'c1')]);
    await tick();
    s.calls[0]!.finish();
    expect(await good).toEqual(['ok:a1']);
    expect(await bad).toEqual(['refused', 'ok:c1']);
  });

  it('a failed call fails only the callers in it; their queued items are dropped, the others go on', async () => {
    const s = manualSend();
    const c = new BatchCoalescer<Item, string>({ maxItems: 2, maxInFlight: 1, keyOf: (i) => i.key, send: s.send });
    const split = c.submit([...items('a', 'a1'), ...items('b', 'b1'), ...items('c', 'c1')]);
    const other = c.submit(items('d', 'd1'));
    await tick();
    expect(s.calls[0]!.items.map((i) => i.v)).toEqual(['a1', 'b1']);
    s.calls[0]!.fail(new Error('Brevo is down'));
    await expect(split).rejects.toThrow('Brevo is down');
    await tick();
    // c1 belonged to the failed caller: it is not sent.
    expect(s.calls[1]!.items.map((i) => i.v)).toEqual(['d1']);
    s.calls[1]!.finish();
    expect(await other).toEqual(['ok:d1']);
    expect(c.pending).toEqual({ queued: 0, inFlight: 0 });
  });

  it('treats a wrong number of outcomes as a failed call, and says when it is idle', async () => {
    let idle = 0;
    const c = new BatchCoalescer<Item, string>({ maxItems: 10, maxInFlight: 1, keyOf: (i) => i.key, send: () => Promise.resolve(['only one']), onIdle: () => idle++ });
    await expect(c.submit([...items('a', 'a1'), ...items('b', 'b1')])).rejects.toThrow(/1 outcomes for 2 items/);
    expect(idle).toBe(1);
    expect(await c.submit([])).toEqual([]);
  });

  it('a paced partial call takes what arrived while it waited for its slot; full calls do not wait', async () => {
    const s = manualSend();
    let open: () => void = () => undefined;
    let paced = 0;
    const pacePartial = () => {
      paced++;
      return new Promise<void>((r) => (open = r));
    };
    const c = new BatchCoalescer<Item, string>({ maxItems: 3, maxInFlight: 2, keyOf: (i) => i.key, send: s.send, pacePartial });
    const first = c.submit(items('a', 'a1'));
    await tick();
    expect(s.calls).toHaveLength(0);
    const second = c.submit(items('b', 'b1'));
    await tick();
    open();
    await tick();
    expect(s.calls.map((x) => x.items.map((i) => i.v))).toEqual([['a1', 'b1']]);
    const full = c.submit([...items('c', 'c1'), ...items('d', 'd1'), ...items('e', 'e1')]);
    await tick();
    expect(s.calls[1]!.items.map((i) => i.v)).toEqual(['c1', 'd1', 'e1']);
    expect(paced).toBe(1);
    s.calls.forEach((x) => x.finish());
    expect(await first).toEqual(['ok:a1']);
    expect(await second).toEqual(['ok:b1']);
    expect(await full).toEqual(['ok:c1', 'ok:d1', 'ok:e1']);
  });
});
