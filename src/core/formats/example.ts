import * as protobuf from 'protobufjs/light';
import { TfRecordError } from './tfrecord';

/**
 * tf.train.Example (tensorflow/core/example/{example,feature}.proto) as protobufjs reflection,
 * so the wire format is decoded by a maintained library rather than by hand.
 */
// Declared on its own: protobufjs's JSON types list map fields (keyType) separately from plain fields.
const featureMap: protobuf.IMapField = { keyType: 'string', type: 'Feature', id: 1 };
const root = protobuf.Root.fromJSON({
  nested: {
    Example: { fields: { features: { type: 'Features', id: 1 } } },
    Features: { fields: { feature: featureMap } },
    Feature: {
      oneofs: { kind: { oneof: ['bytesList', 'floatList', 'int64List'] } },
      fields: {
        bytesList: { type: 'BytesList', id: 1 },
        floatList: { type: 'FloatList', id: 2 },
        int64List: { type: 'Int64List', id: 3 },
      },
    },
    BytesList: { fields: { value: { rule: 'repeated', type: 'bytes', id: 1 } } },
    FloatList: { fields: { value: { rule: 'repeated', type: 'float', id: 1, options: { packed: true } } } },
    Int64List: { fields: { value: { rule: 'repeated', type: 'int64', id: 1, options: { packed: true } } } },
  },
});
const ExampleType = root.lookupType('Example');

export type Feature =
  | { kind: 'bytes'; value: Uint8Array[] }
  | { kind: 'float'; value: number[] }
  | { kind: 'int64'; value: number[] };

export type Features = Map<string, Feature>;

interface DecodedFeature {
  bytesList?: { value?: Uint8Array[] };
  floatList?: { value?: number[] };
  int64List?: { value?: (number | { toNumber(): number })[] };
}

/** Decodes one serialized tf.train.Example; `where` names the record in error messages. */
export function parseExample(bytes: Uint8Array, where = 'the record'): Features {
  let message: { features?: { feature?: Record<string, DecodedFeature> } };
  try {
    message = ExampleType.decode(bytes) as typeof message;
  } catch (e) {
    throw new TfRecordError(`${capitalise(where)} is not a valid tf.train.Example protocol buffer: ${(e as Error).message}.`);
  }
  const out: Features = new Map();
  for (const [key, f] of Object.entries(message.features?.feature ?? {})) {
    if (f.bytesList) out.set(key, { kind: 'bytes', value: f.bytesList.value ?? [] });
    else if (f.floatList) out.set(key, { kind: 'float', value: f.floatList.value ?? [] });
    else if (f.int64List) {
      out.set(key, { kind: 'int64', value: (f.int64List.value ?? []).map((v) => (typeof v === 'number' ? v : v.toNumber())) });
    }
  }
  return out;
}

/** Serializes features as a tf.train.Example (for fixtures and exports). */
export function encodeExample(features: Record<string, Feature>): Uint8Array {
  const feature: Record<string, DecodedFeature> = {};
  for (const [key, f] of Object.entries(features)) {
    feature[key] =
      f.kind === 'bytes' ? { bytesList: { value: f.value } } : f.kind === 'float' ? { floatList: { value: f.value } } : { int64List: { value: f.value } };
  }
  return ExampleType.encode(ExampleType.create({ features: { feature } })).finish();
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
