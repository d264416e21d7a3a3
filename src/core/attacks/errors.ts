/** Base class of every error the attack engine throws, so callers can tell them from bugs. */
export class AttackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The clean input or the config is unusable (NaN, out of [0,1], wrong shape, unknown ids). */
export class AttackInputError extends AttackError {}

/** The model function gives no gradient with respect to its input. */
export class NoGradientError extends AttackError {}

/** The model produced NaN or infinite values during the run. */
export class AttackNumericError extends AttackError {}

/** step() called on a finished, disposed or busy run. */
export class AttackStateError extends AttackError {}
