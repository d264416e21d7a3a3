export { MetricInputError } from './errors';
export { spearman, spearmanAgainst } from './spearman';
export { attackMap, ATTACK_MAP_LABELS, type AttackMapConvention } from './attackMap';
export { attackMapTensor } from './attackMapTensor';
export {
  HUMAN_CEILING,
  CLICKME_BLUR_SIZE,
  CLICKME_BLUR_SIGMA,
  CLICKME_BLUR_RESOLUTION,
  clickmeKernel,
  blurSame,
  preprocessClickmeMap,
  humanMapForModel,
  type HumanMapSource,
} from './clickme';
export { alignment, alignmentScorer, type AlignmentOptions } from './alignment';
