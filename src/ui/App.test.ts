import { describe, expect, it } from 'vitest';
import { initialTab } from './App';

const all = ['explore', 'attack', 'batch', 'scatter'] as const;

describe('initialTab', () => {
  it('opens the explore view by default', () => {
    expect(initialTab('', [...all])).toBe('explore');
  });

  it('opens the attack view for a URL that defines or starts a run, when that view exists', () => {
    expect(initialTab('?image=coffee&attack=fmn&steps=20', [...all])).toBe('attack');
    expect(initialTab('?run=1', [...all])).toBe('attack');
    expect(initialTab('?run=1', ['explore'])).toBe('explore');
  });

  it('honours ?tab= only for a view that exists', () => {
    expect(initialTab('?tab=scatter', [...all])).toBe('scatter');
    expect(initialTab('?tab=nonsense', [...all])).toBe('explore');
  });
});
