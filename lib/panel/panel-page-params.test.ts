import { describe, expect, it } from 'vitest';
import { parsePanelPageParams } from './panel-page-params';

describe('parsePanelPageParams', () => {
  it("reads Pipedrive's iframe query", () => {
    expect(parsePanelPageParams({ id: 'a1b2-c3', resource: 'deal', selectedIds: '42', theme: 'dark', token: 't', companyId: '7', userId: '9', view: 'details' })).toEqual({
      identifier: 'a1b2-c3',
      target: { resource: 'deal', id: 42 },
      theme: 'dark',
      token: 't',
      companyId: '7',
      userId: '9',
    });
  });

  it('takes the first of several selected ids and defaults to the light theme', () => {
    expect(parsePanelPageParams({ id: 'x', resource: 'person', selectedIds: '3,4' })).toMatchObject({ target: { resource: 'person', id: 3 }, theme: 'light', token: null });
  });

  it('turns anything malformed into null instead of failing, so the page can still explain', () => {
    expect(parsePanelPageParams({ id: '<script>', resource: 'organization', selectedIds: 'abc' })).toMatchObject({ identifier: null, target: null });
    expect(parsePanelPageParams({ resource: 'person', selectedIds: '-1' }).target).toBeNull();
    expect(parsePanelPageParams({}).identifier).toBeNull();
  });
});
