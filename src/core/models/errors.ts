/** A model file or URL that cannot be turned into a classifier; the message names the file and the problem. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}
