import { describe, expect, it } from 'vitest';
import { ATTACK_IDS, DEFAULT_STEPS, defaultConfig, validateConfig } from './defaults';
import { configForProtocol, HUMAN_CEILING, PROTOCOL_IDS, PROTOCOLS } from './protocols';

describe('protocol presets (METHOD §6)', () => {
  it('fill attack, steps, read-out, map convention and ceiling as the method states', () => {
    const rows = PROTOCOL_IDS.map((id) => PROTOCOLS[id]).map((p) => [p.id, p.attack, p.steps, p.readout, p.mapConvention, p.humanCeiling]);
    expect(rows).toEqual([
      ['interactive', 'fmn', 100, '1000-class', 'mean', null],
      ['2025-corrected', 'fmn', 1000, 'binary', 'max', 0.65753],
      ['2025-published', 'fmn-as-published', 1000, 'binary', 'max', 0.65753],
      ['2023', 'pgd-bisect', 0, '1000-class', 'mean', null],
    ]);
    expect(HUMAN_CEILING).toBe(0.65753);
  });

  it('only the as-published preset is marked as reproducing the published bug', () => {
    expect(PROTOCOL_IDS.map((id) => PROTOCOLS[id]).filter((p) => p.reproducesPublishedBug).map((p) => p.id)).toEqual(['2025-published']);
  });

  it('give configs that record their protocol and let overrides win', () => {
    const c = configForProtocol('2025-corrected', { label: 281, previewSize: 0 });
    expect(c).toMatchObject({ attack: 'fmn', steps: 1000, readout: 'binary', protocol: '2025-corrected', label: 281, previewSize: 0 });
  });

  it('keep their own attacks, and the interactive protocol takes the ensemble as an override', () => {
    expect(ATTACK_IDS).toContain('ensemble');
    expect(PROTOCOL_IDS.map((id) => PROTOCOLS[id].attack)).not.toContain('ensemble');
    const c = configForProtocol('interactive', { attack: 'ensemble', steps: DEFAULT_STEPS.ensemble });
    expect(c).toMatchObject({ attack: 'ensemble', steps: 200, readout: '1000-class', protocol: 'interactive' });
    expect(() => validateConfig(c)).not.toThrow();
    expect(defaultConfig('ensemble')).toMatchObject({ attack: 'ensemble', steps: 200 });
  });
});
