import { describe, expect, it } from 'vitest';
import { phaseBands } from './phaseBands';

describe('phaseBands', () => {
  it('gives one band per phase, from its first step to the next phase\'s first', () => {
    const at = (index: number, id: 'fmn' | 'ddn' | 'fmn-refine') => ({ phase: { index, id, count: 3 } });
    const steps = [at(0, 'fmn'), at(0, 'fmn'), at(1, 'ddn'), at(1, 'ddn'), at(1, 'ddn'), at(2, 'fmn-refine')];
    expect(phaseBands(steps)).toEqual([
      { id: 'phase-0', from: 0, to: 2, label: 'FMN' },
      { id: 'phase-1', from: 2, to: 5, label: 'DDN (ε₀ 1)' },
      { id: 'phase-2', from: 5, to: 5, label: 'FMN from best' },
    ]);
  });

  it('gives none for an attack without phases', () => {
    expect(phaseBands([{}, {}])).toEqual([]);
  });
});
