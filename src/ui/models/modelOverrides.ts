/** The model-id helpers live in the core (a batch and the command-line runner read model ids too). */
export { EMPTY_FIELDS, parseUrlModelId, toOverrides, urlModelId, type OverrideFields } from '../../core/models/modelId';
