import { describe, expect, it } from 'vitest';
import { ATTACK_IDS, DEFAULT_PARAMS } from '../../core/attacks/defaults';
import { ATTACK_SPECS, isAttackId, paramDefaults } from './attackSpecs';
import { parseRunUrl, runDefinitionToSearch } from '../export/runDefinition';

describe('attack specs', () => {
  it('offer every engine attack and every parameter, with the engine’s defaults inside their ranges', () => {
    expect(Object.keys(ATTACK_SPECS).sort()).toEqual([...ATTACK_IDS].sort());
    for (const id of ATTACK_IDS) {
      expect(paramDefaults(id), id).toEqual(DEFAULT_PARAMS[id]);
      for (const p of ATTACK_SPECS[id].params) {
        if (typeof p.default === 'number') {
          expect(p.default, `${id}.${p.key}`).toBeGreaterThanOrEqual(p.min);
          expect(p.default, `${id}.${p.key}`).toBeLessThanOrEqual(p.max);
        }
      }
    }
    // METHOD §3: FMN γ 0.05 → 0.001, 100 interactive steps; α anneals over two decades as there
    // (1 → 0.01), but in units of ε (README, "Attack accuracy").
    expect(paramDefaults('fmn')).toEqual({ alphaMax: 1.5, alphaMin: 0.015, stepRelativeToEps: true, gamma0: 0.05, gammaMin: 0.001 });
    expect(ATTACK_SPECS.fmn.defaultSteps).toBe(100);
  });

  it('recognises attack ids only', () => {
    expect(isAttackId('deepfool')).toBe(true);
    expect(isAttackId('toString')).toBe(false);
  });

  it('pgd-bisect ignores a steps value and round-trips through the URL', () => {
    const search = runDefinitionToSearch(parseRunUrl('?attack=pgd-bisect&steps=5').definition);
    const back = parseRunUrl('?' + search);
    expect(back.problems).toEqual([]);
    expect(back.definition.attack).toBe('pgd-bisect');
    expect(back.definition.params).toEqual(DEFAULT_PARAMS['pgd-bisect']);
  });
});
