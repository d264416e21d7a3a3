import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/attacks/defaults';
import { phaseBands, phaseLabel } from './phaseBands';

describe('phaseBands', () => {
  it('gives one band per phase, from its first step to the next phase\'s first', () => {
    const at = (index: number, id: 'fmn' | 'ddn' | 'fmn-refine') => ({ phase: { index, id, count: 3 } });
    const steps = [at(0, 'fmn'), at(0, 'fmn'), at(1, 'ddn'), at(1, 'ddn'), at(1, 'ddn'), at(2, 'fmn-refine')];
    expect(phaseBands(steps, defaultConfig('ensemble'))).toEqual([
      { id: 'phase-0', from: 0, to: 2, label: 'FMN' },
      { id: 'phase-1', from: 2, to: 5, label: 'DDN (ε₀ 1)' },
      { id: 'phase-2', from: 5, to: 5, label: 'FMN from best' },
    ]);
  });

  it('gives none for an attack without phases', () => {
    expect(phaseBands([{}, {}], null)).toEqual([]);
  });
});

describe('phaseLabel', () => {
  it('names the DDN phase with the ε₀ the run was given', () => {
    expect(phaseLabel('ddn', defaultConfig('ensemble', { params: { ensemble: { ddnEpsInit: 0.25 } } }))).toBe('DDN (ε₀ 0.25)');
    expect(phaseLabel('ddn', defaultConfig('ensemble', { params: { ensemble: { ddnEpsInit: 3 } } }))).toBe('DDN (ε₀ 3)');
  });

  it('falls back on the default ε₀ 1 without a config', () => {
    expect(phaseLabel('ddn', null)).toBe('DDN (ε₀ 1)');
    expect(phaseLabel('fmn', null)).toBe('FMN');
  });
});
