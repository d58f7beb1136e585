import { describe, expect, it } from 'vitest';
import { cursorAfterScan, cursorEntry, scanCursorPage, startCursorScan, type CursorScan } from './incremental-cursor';

const S = '2026-03-02T10:00:05Z';
const LATER = '2026-03-02T10:00:09Z';
const person = (id: number, name: string, updateTime: string | null = S) => ({ id, name, update_time: updateTime, emails: [{ value: `${name}@example.com`, primary: true }] });

/** A cursor stored after a run that read `records`, all at their update_time. */
const after = (...records: ReturnType<typeof person>[]) => startCursorScan({ updatedSince: new Date(S), idsAtCursor: records.map(cursorEntry) });
const ids = (xs: readonly { id: number }[]) => xs.map((x) => x.id);

describe('cursorEntry', () => {
  it('is the id and a short fingerprint of the content', () => {
    expect(cursorEntry(person(7, 'ada'))).toMatch(/^7:[0-9a-f]{16}$/);
    const reordered = { update_time: S, emails: [{ primary: true, value: 'ada@example.com' }], name: 'ada', id: 7 };
    expect(cursorEntry(person(7, 'ada'))).toBe(cursorEntry(reordered));
    expect(cursorEntry(person(7, 'ada'))).not.toBe(cursorEntry(person(7, 'ada b')));
    expect(cursorEntry({ id: 'a1b2-lead', update_time: S })).toMatch(/^a1b2-lead:/);
  });
});

describe('scanCursorPage', () => {
  it('skips a record at the cursor second that is the version already processed', () => {
    const { changed } = scanCursorPage(after(person(1, 'ada'), person(2, 'bob')), [person(1, 'ada'), person(2, 'bob')]);
    expect(changed).toEqual([]);
  });

  it('keeps a record at the cursor second whose content changed within that second', () => {
    const { changed } = scanCursorPage(after(person(1, 'ada'), person(2, 'bob')), [person(1, 'ada'), person(2, 'bob edited')]);
    expect(ids(changed)).toEqual([2]);
  });

  it('keeps a record stored as a bare id (a cursor written before fingerprints), even unchanged', () => {
    const legacy = startCursorScan({ updatedSince: new Date(S), idsAtCursor: ['1', '2'] });
    const { changed, scan } = scanCursorPage(legacy, [person(1, 'ada'), person(2, 'bob')]);
    expect(ids(changed)).toEqual([1, 2]);
    // ...once: the cursor now holds their fingerprints, so the next run skips them.
    const next = startCursorScan(cursorAfterScan(scan));
    expect(scanCursorPage(next, [person(1, 'ada'), person(2, 'bob')]).changed).toEqual([]);
  });

  it('keeps records after the cursor second and records new at it', () => {
    const { changed } = scanCursorPage(after(person(1, 'ada')), [person(1, 'ada'), person(3, 'cy'), person(4, 'dee', LATER)]);
    expect(ids(changed)).toEqual([3, 4]);
  });

  it('keeps a record without an update_time and leaves the cursor where it was', () => {
    const start = after(person(1, 'ada'));
    const { changed, scan } = scanCursorPage(start, [person(5, 'eve', null)]);
    expect(ids(changed)).toEqual([5]);
    expect(scan).toBe(start);
  });

  it('does not change the scan it is given', () => {
    const start = after(person(1, 'ada'));
    const stored = cursorAfterScan(start);
    scanCursorPage(start, [person(1, 'ada v2'), person(6, 'fay', LATER)]);
    expect(cursorAfterScan(start)).toEqual(stored);
  });
});

describe('cursorAfterScan', () => {
  const scanAll = (start: CursorScan, ...pages: ReturnType<typeof person>[][]) => pages.reduce((s, page) => scanCursorPage(s, page).scan, start);

  it('moves to the latest second read, holding the entries read there across pages', () => {
    const scan = scanAll(after(person(1, 'ada')), [person(1, 'ada'), person(2, 'bob', LATER)], [person(3, 'cy', S), person(4, 'dee', LATER)]);
    expect(cursorAfterScan(scan)).toEqual({ updatedSince: new Date(LATER), idsAtCursor: [cursorEntry(person(2, 'bob', LATER)), cursorEntry(person(4, 'dee', LATER))] });
  });

  it('stays at the stored second with the new version of a record edited again within it', () => {
    const scan = scanAll(after(person(1, 'ada'), person(2, 'bob')), [person(1, 'ada'), person(2, 'bob edited'), person(3, 'cy')]);
    const next = cursorAfterScan(scan);
    expect(next.updatedSince).toEqual(new Date(S));
    expect([...next.idsAtCursor].sort()).toEqual([cursorEntry(person(1, 'ada')), cursorEntry(person(2, 'bob edited')), cursorEntry(person(3, 'cy'))].sort());
    // The next run skips exactly those versions, and still sees a third edit within the second.
    expect(ids(scanCursorPage(startCursorScan(next), [person(1, 'ada'), person(2, 'bob edited'), person(3, 'cy')]).changed)).toEqual([]);
    expect(ids(scanCursorPage(startCursorScan(next), [person(1, 'ada'), person(2, 'bob again'), person(3, 'cy')]).changed)).toEqual([2]);
  });

  it('is the stored cursor when nothing was read', () => {
    const stored = { updatedSince: new Date(S), idsAtCursor: [cursorEntry(person(1, 'ada')), '2'] };
    expect(cursorAfterScan(scanAll(startCursorScan(stored), []))).toEqual(stored);
  });

  it('from a cursor with no entries (the end of a backfill) keeps what it reads at its second', () => {
    const start = startCursorScan({ updatedSince: new Date(S), idsAtCursor: [] });
    const scan = scanAll(start, [person(1, 'ada'), person(2, 'bob')]);
    expect(cursorAfterScan(scan).idsAtCursor).toEqual([cursorEntry(person(1, 'ada')), cursorEntry(person(2, 'bob'))]);
  });
});
