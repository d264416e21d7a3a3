/**
 * Names → coarse groups for colouring and legends. The 2023 paper's figure legend classes
 * (CNN, Transformer, Hybrid, AdvRobust, Harmonized, Control) are assigned by architecture prefix;
 * anything unknown is a CNN, the most common kind in the tables.
 */
export type ArchitectureClass = 'CNN' | 'Transformer' | 'Hybrid' | 'AdvRobust' | 'Harmonized' | 'Control';

export const ARCHITECTURE_CLASSES: readonly ArchitectureClass[] = [
  'CNN', 'Transformer', 'Hybrid', 'AdvRobust', 'Harmonized', 'Control',
];

const TRANSFORMER = new Set([
  'vit', 'deit', 'beit', 'beitv2', 'swin', 'swinv2', 'cait', 'eva', 'xcit', 'pit', 'tnt', 'twins', 'crossvit',
  'mvitv2', 'davit', 'flexivit', 'volo', 'gcvit', 'sequencer',
]);
const HYBRID = new Set([
  'convit', 'coat', 'coatnet', 'maxvit', 'maxxvit', 'maxxvitv2', 'levit', 'mobilevit', 'mobilevitv2',
  'efficientformer', 'efficientformerv2', 'edgenext', 'fastvit', 'nextvit', 'caformer', 'convformer',
]);
const PREFIXES = ['tf_', 'legacy_', 'gluon_', 'ig_', 'ssl_', 'swsl_'];

/** Architecture family: the name's leading letters with a version suffix (resnet50 → resnet, mobilenetv2_100 → mobilenetv2). */
export function modelFamily(name: string): string {
  let n = name.toLowerCase();
  for (const p of PREFIXES) if (n.startsWith(p)) n = n.slice(p.length);
  if (n.startsWith('wide_resnet')) return 'wide_resnet';
  const m = /^([a-z]+?)(v\d+)?(?=\d|_|\.|-|$)/.exec(n);
  return m ? m[1] + (m[2] ?? '') : n.split(/[._-]/)[0] || name;
}

export function architectureClass(name: string): ArchitectureClass {
  const n = name.toLowerCase();
  if (/_(l2|linf)_eps[\d.]+$/.test(n) || n.includes('robust')) return 'AdvRobust';
  if (n.includes('harmonized')) return n.includes('control') ? 'Control' : 'Harmonized';
  const f = modelFamily(n);
  if (TRANSFORMER.has(f)) return 'Transformer';
  if (HYBRID.has(f)) return 'Hybrid';
  return 'CNN';
}
