export class MetricInputError extends Error {
  override name = 'MetricInputError';
}
