/** A layers model the engine cannot rebuild from plain ops; the message says what and why. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/** The model uses layer classes the engine has no plain-op version of; all of them are listed. */
export class UnsupportedLayerError extends EngineError {
  constructor(readonly classNames: string[], readonly modelName: string) {
    super(
      `The model "${modelName}" uses layer classes AlignScope cannot differentiate yet: ` +
        `${classNames.join(', ')}. Supported are the layers of the Keras applications ` +
        `(convolutions, batch normalisation, dense, pooling, activations, add, multiply, concatenate, reshape).`,
    );
    this.name = 'UnsupportedLayerError';
  }
}
