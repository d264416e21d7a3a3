import { defaultConfig } from './defaults';
import type { AttackConfig, ProtocolId, ProtocolPreset } from './types';

/** Spearman correlation between two halves of the ClickMe players (METHOD §2). */
export const HUMAN_CEILING = 0.65753;

/** The protocols of METHOD §6: a robustness number means little without the one that produced it. */
export const PROTOCOLS: Record<ProtocolId, ProtocolPreset> = {
  interactive: {
    id: 'interactive',
    label: 'Interactive (FMN, 100 steps)',
    description:
      'AlignScope default: untargeted over the 1000 ImageNet classes, FMN L2 with 100 steps, attack map |mean over channels of δ|, raw Spearman.',
    attack: 'fmn',
    steps: 100,
    readout: '1000-class',
    mapConvention: 'mean',
    humanCeiling: null,
    reproducesPublishedBug: false,
  },
  '2025-corrected': {
    id: '2025-corrected',
    label: '2025 follow-up, corrected FMN',
    description:
      'The 2025 follow-up\'s set-up (binary animate/inanimate read-out, |max over channels of δ|, alignment divided by the human ceiling) with a working FMN L2 of 1000 steps: true minimal norms.',
    attack: 'fmn',
    steps: 1000,
    readout: 'binary',
    mapConvention: 'max',
    humanCeiling: HUMAN_CEILING,
    reproducesPublishedBug: false,
  },
  '2025-published': {
    id: '2025-published',
    label: '2025 follow-up as published',
    description:
      'Reproduces the published 351-model table: foolbox 3.3 L2FMNAttack (1000 steps, step 1 → 1e-5, γ 10) whose ε projection has no effect, so the reported norm is about one step (1–2), not a minimal norm.',
    attack: 'fmn-as-published',
    steps: 1000,
    readout: 'binary',
    mapConvention: 'max',
    humanCeiling: HUMAN_CEILING,
    reproducesPublishedBug: true,
  },
  '2023': {
    id: '2023',
    label: '2023 paper (PGD + ε search)',
    description:
      'The 2023 paper: L2 PGD on the cross-entropy with a binary search on ε (3 steps of 1/255 per ε, corrected projection), 1000 classes, |mean over channels of δ|, raw Spearman. Its tolerances are not minimal norms: compare qualitatively.',
    attack: 'pgd-bisect',
    steps: 0,
    readout: '1000-class',
    mapConvention: 'mean',
    humanCeiling: null,
    reproducesPublishedBug: false,
  },
};

/** Menu order. (Object.keys would put '2023' first: integer-like keys sort ahead of the others.) */
export const PROTOCOL_IDS: ProtocolId[] = ['interactive', '2025-corrected', '2025-published', '2023'];

/** A full attack config for a protocol; `overrides` (label, seed, previewSize...) win, and it records the protocol. */
export function configForProtocol(id: ProtocolId, overrides: Partial<AttackConfig> = {}): AttackConfig {
  const p = PROTOCOLS[id];
  return defaultConfig(p.attack, { steps: p.steps, readout: p.readout, protocol: id, ...overrides });
}
