export * from './types';
export { createAttack, runToEnd } from './createAttack';
export { ATTACK_IDS, DEFAULT_PARAMS, DEFAULT_STEPS, defaultConfig } from './defaults';
export { AttackError, AttackInputError, AttackNumericError, AttackStateError, NoGradientError } from './errors';
export type { LogitsFn } from './evaluator';
export { applyReadout, FIRST_INANIMATE_CLASS, readoutClass } from './readout';
export { configForProtocol, HUMAN_CEILING, PROTOCOL_IDS, PROTOCOLS } from './protocols';
