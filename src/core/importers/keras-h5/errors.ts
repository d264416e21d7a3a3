/** A Keras HDF5 file AlignScope cannot turn into a classifier; the message names the file and the problem. */
export class KerasH5ImportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KerasH5ImportError';
  }
}
