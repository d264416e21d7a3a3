export {
  parseImageNetLabels,
  parseCoralLabels,
  loadImageNetLabels,
  LabelsError,
  LABELS_JSON,
  LABELS_CORAL,
  type ImageNetClass,
  type LoadLabelsOptions,
} from './imagenet';
