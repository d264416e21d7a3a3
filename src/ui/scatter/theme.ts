import type { ArchitectureClass } from '../../core/results/taxonomy';
import type { LayerId } from './scatterData';

/**
 * Scatter colours, symbols and sizes in one place. Family colours: Okabe–Ito hues (safe for
 * colour-vision deficiencies) plus near-black and purple, chosen so that every pair differs by at
 * least 40 in CIELAB (theme.test.ts); the earlier vermillion AdvRobust read as a second orange.
 */
export const scatterTheme = {
  classColours: {
    CNN: '#0072b2',
    Transformer: '#e69f00',
    Hybrid: '#009e73',
    AdvRobust: '#222222',
    Harmonized: '#cc79a7',
    Control: '#6a3d9a',
  } satisfies Record<ArchitectureClass, string>,
  missingColour: '#9aa5b1',
  /** Symbol per layer, so layers stay apart when colour encodes something else. */
  layerSymbol: { user: 'circle', ref2025: 'circle', ref2023: 'diamond', import: 'square' } satisfies Record<LayerId, 'circle' | 'diamond' | 'square'>,
  /** d3.symbol areas in px². */
  layerSize: { user: 110, ref2025: 22, ref2023: 26, import: 60 } satisfies Record<LayerId, number>,
  imagePointSize: 18,
  layerOpacity: { user: 1, ref2025: 0.55, ref2023: 0.6, import: 0.9 } satisfies Record<LayerId, number>,
  userStroke: '#1f2933',
  errorBar: '#52606d',
  protocolLink: '#1f2933',
  /** The line from a user model to the published point of the same timm name. */
  publishedLink: '#7b8794',
  note: '#b42318',
  /** Drawn bottom to top: the user's points always on top. */
  layerOrder: ['ref2023', 'ref2025', 'import', 'user'] as const satisfies readonly LayerId[],
} as const;
