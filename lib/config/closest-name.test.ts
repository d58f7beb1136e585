import { describe, expect, it } from 'vitest';
import { closestName } from './closest-name';

describe('closestName', () => {
  it('finds the known name a typo meant', () => {
    expect(closestName('persns', ['persons', 'deals'])).toBe('persons');
    expect(closestName('Webhook', ['webhooks', 'lists'])).toBe('webhooks');
  });

  it('suggests nothing when no name is close', () => {
    expect(closestName('colour', ['persons', 'deals'])).toBeNull();
    expect(closestName('x', [])).toBeNull();
  });
});
