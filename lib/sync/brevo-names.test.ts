import { describe, expect, it } from 'vitest';
import { BREVO_ATTRIBUTE_NAME, BREVO_EVENT_NAME, suggestAttributeName, suggestEventName } from './brevo-names';

describe('Brevo naming rules', () => {
  it('accept upper-case attribute names only', () => {
    expect(BREVO_ATTRIBUTE_NAME.test('WON_DEALS')).toBe(true);
    expect(BREVO_ATTRIBUTE_NAME.test('Won_Deals')).toBe(false);
    expect(BREVO_ATTRIBUTE_NAME.test('1ST')).toBe(false);
  });

  it('accept event names of letters, digits, - and _ up to 255 characters', () => {
    expect(BREVO_EVENT_NAME.test('pd-deal_stage_changed2')).toBe(true);
    expect(BREVO_EVENT_NAME.test('deal stage')).toBe(false);
    expect(BREVO_EVENT_NAME.test('x'.repeat(256))).toBe(false);
    expect(BREVO_EVENT_NAME.test('')).toBe(false);
  });

  it('suggest a valid spelling when one exists', () => {
    expect(suggestAttributeName(' lead source ')).toBe('LEAD_SOURCE');
    expect(suggestAttributeName('2nd phone')).toBeNull();
    expect(suggestEventName('deal stage changed!')).toBe('deal_stage_changed');
    expect(suggestEventName('!!!')).toBeNull();
  });
});
