import protobuf from 'protobufjs/light';
import { OnnxImportError } from './errors';
import schema from './onnx.proto3.json';

/** TensorProto.DataType values the reader turns into numbers. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;

/** A constant from the file: float data as Float32Array, integer data as a plain number array. */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  floats?: Float32Array;
  ints?: number[];
}

export type OnnxAttribute =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'tensor'; value: OnnxTensor }
  /** Inside a local function: the value of the calling node's attribute `name`. */
  | { kind: 'ref'; name: string }
  | { kind: 'other' };

export interface OnnxNode {
  opType: string;
  /** '' for the default ai.onnx domain. */
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** Each dimension: a number, or the symbolic name (or '?') of a dimension the file leaves open. */
  dims: (number | string)[];
}

/** A model-local function (torch.onnx's dynamo exporter writes modules as these). */
export interface OnnxFunction {
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Attribute defaults (attribute_proto); attributes without one must come from the call. */
  defaults: Map<string, OnnxAttribute>;
  nodes: OnnxNode[];
  /** Opset of the default domain inside the function, where it states one. */
  opset?: number;
}

export interface OnnxGraph {
  fileName: string;
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  /** Graph inputs that are not initializers: the model's real inputs. */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Opset of the default (ai.onnx) domain. */
  opset: number;
  functions: OnnxFunction[];
  producer: string;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const root = protobuf.Root.fromJSON(schema);
const ModelProto = root.lookupType('onnx.ModelProto');

type Int64 = number | { toNumber(): number };
const num = (v: Int64 | null | undefined): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded protobuf messages are untyped here; each field is read once below */
type Message = any;

/** Decodes an .onnx file (a serialised ModelProto) into the parts the importer uses. */
export function readOnnxModel(bytes: Uint8Array, fileName: string): OnnxGraph {
  let model: Message;
  try {
    model = ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxImportError(`${fileName} is not an ONNX model: its bytes are not a valid ModelProto (${(err as Error).message}).`);
  }
  const graph = model.graph;
  if (!graph || !Array.isArray(graph.node) || graph.node.length === 0 || num(model.ir_version) === 0) {
    throw new OnnxImportError(`${fileName} is not an ONNX model: it has no IR version or no graph of nodes.`);
  }
  const defaultOpset = (opsets: Message[] | undefined) => {
    const main = (opsets ?? []).find((o: Message) => o.domain === '' || o.domain === 'ai.onnx');
    return main ? num(main.version) : undefined;
  };
  // Before IR version 3 a file has no opset_import and means opset 1.
  const opset = defaultOpset(model.opset_import) ?? 1;

  const initializers = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? []) initializers.set(t.name, readTensor(t, fileName));
  const valueInfo = (v: Message): OnnxValueInfo => {
    const tensorType = v.type?.tensor_type;
    const dims = (tensorType?.shape?.dim ?? []).map((d: Message) =>
      d.dim_value != null && num(d.dim_value) > 0 ? num(d.dim_value) : d.dim_param || '?',
    );
    return { name: v.name, elemType: tensorType?.elem_type ?? 0, dims };
  };
  return {
    fileName,
    nodes: graph.node.map((n: Message) => readNode(n, fileName)),
    initializers,
    inputs: (graph.input ?? []).filter((v: Message) => !initializers.has(v.name)).map(valueInfo),
    outputs: (graph.output ?? []).map(valueInfo),
    opset,
    functions: (model.functions ?? []).map((f: Message): OnnxFunction => ({
      name: f.name,
      domain: f.domain ?? '',
      inputs: f.input ?? [],
      outputs: f.output ?? [],
      defaults: new Map((f.attribute_proto ?? []).map((a: Message) => [a.name, readAttribute(a, fileName)])),
      nodes: (f.node ?? []).map((n: Message) => readNode(n, fileName)),
      opset: defaultOpset(f.opset_import),
    })),
    producer: [model.producer_name, model.producer_version].filter(Boolean).join(' '),
  };
}

function readNode(n: Message, fileName: string): OnnxNode {
  const attributes = new Map<string, OnnxAttribute>();
  for (const a of n.attribute ?? []) attributes.set(a.name, readAttribute(a, fileName));
  return {
    opType: n.op_type,
    domain: n.domain ?? '',
    name: n.name ?? '',
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    attributes,
  };
}

function readAttribute(a: Message, fileName: string): OnnxAttribute {
  if (a.ref_attr_name) return { kind: 'ref', name: a.ref_attr_name };
  switch (a.type) {
    case 1:
      return { kind: 'float', value: a.f };
    case 2:
      return { kind: 'int', value: num(a.i) };
    case 3:
      return { kind: 'string', value: new TextDecoder().decode(a.s) };
    case 4:
      return { kind: 'tensor', value: readTensor(a.t, fileName) };
    case 6:
      return { kind: 'floats', value: [...(a.floats ?? [])] };
    case 7:
      return { kind: 'ints', value: (a.ints ?? []).map(num) };
    case 0:
      return untypedAttribute(a, fileName);
    default:
      return { kind: 'other' };
  }
}

/** Files from early exporters leave the attribute type unset: the field that holds a value says it. */
function untypedAttribute(a: Message, fileName: string): OnnxAttribute {
  if (a.ints?.length) return readAttribute({ ...a, type: 7 }, fileName);
  if (a.floats?.length) return readAttribute({ ...a, type: 6 }, fileName);
  if (a.t) return readAttribute({ ...a, type: 4 }, fileName);
  if (a.s?.length) return readAttribute({ ...a, type: 3 }, fileName);
  if (a.f) return readAttribute({ ...a, type: 1 }, fileName);
  return readAttribute({ ...a, type: 2 }, fileName);
}

/** Reads a TensorProto's values: float32/float16/double as floats, integer and bool types as ints. */
export function readTensor(t: Message, fileName: string): OnnxTensor {
  const name: string = t.name ?? '';
  const dims: number[] = (t.dims ?? []).map(num);
  const dataType: number = t.data_type;
  if (t.data_location === 1 || (t.external_data ?? []).length > 0) {
    throw new OnnxImportError(
      `${fileName} keeps the weights of "${name}" in an external data file; AlignScope needs a single .onnx file with every weight inside it (re-export without external data, e.g. onnx.save_model(..., save_as_external_data=False)).`,
    );
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const raw: Uint8Array | undefined = t.raw_data?.length ? t.raw_data : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const bad = (why: string) => new OnnxImportError(`${fileName} has a malformed tensor "${name}": ${why}.`);
  const checkLength = (n: number, what: string) => {
    if (n !== count) throw bad(`${what} holds ${n} values where its shape [${dims}] needs ${count}`);
  };
  const out: OnnxTensor = { name, dims, dataType };
  switch (dataType) {
    case DataType.FLOAT:
      if (view) {
        checkLength(view.byteLength / 4, 'raw_data');
        // A copy of the bytes (new Uint8Array: a Node Buffer.slice would share its pool) is the float32 array itself
        // on little-endian hosts (every browser): hundreds of MB stay fast.
        out.floats = LITTLE_ENDIAN ? new Float32Array(new Uint8Array(raw!).buffer) : Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
      } else {
        checkLength((t.float_data ?? []).length, 'float_data');
        out.floats = Float32Array.from(t.float_data ?? []);
      }
      return out;
    case DataType.FLOAT16: {
      // Without raw_data, float16 bit patterns sit in int32_data (one per entry).
      const bits = view
        ? LITTLE_ENDIAN
          ? new Uint16Array(new Uint8Array(raw!).buffer)
          : Array.from({ length: view.byteLength / 2 }, (_, i) => view.getUint16(2 * i, true))
        : (t.int32_data ?? []).map((b: number) => b & 0xffff);
      checkLength(bits.length, view ? 'raw_data' : 'int32_data');
      out.floats = Float32Array.from(bits as ArrayLike<number>, halfToFloat);
      return out;
    }
    case DataType.DOUBLE:
      if (view) {
        checkLength(view.byteLength / 8, 'raw_data');
        out.floats = Float32Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true));
      } else {
        checkLength((t.double_data ?? []).length, 'double_data');
        out.floats = Float32Array.from(t.double_data ?? []);
      }
      return out;
    case DataType.INT64:
      if (view) {
        checkLength(view.byteLength / 8, 'raw_data');
        out.ints = Array.from({ length: count }, (_, i) => Number(view.getBigInt64(8 * i, true)));
      } else {
        const ints: number[] = (t.int64_data ?? []).map(num);
        checkLength(ints.length, 'int64_data');
        out.ints = ints;
      }
      return out;
    case DataType.INT32:
      if (view) {
        checkLength(view.byteLength / 4, 'raw_data');
        out.ints = Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
      } else {
        const ints: number[] = (t.int32_data ?? []).map(num);
        checkLength(ints.length, 'int32_data');
        out.ints = ints;
      }
      return out;
    case DataType.UINT8:
    case DataType.INT8:
    case DataType.BOOL:
      if (view) {
        checkLength(view.byteLength, 'raw_data');
        out.ints = Array.from(raw!, (b) => (dataType === DataType.INT8 ? (b << 24) >> 24 : b));
      } else {
        const ints: number[] = (t.int32_data ?? []).map(num);
        checkLength(ints.length, 'int32_data');
        out.ints = ints;
      }
      return out;
    default:
      throw bad(`its data type ${dataType} is not one AlignScope reads (float32, float16, double, int64, int32, int8, uint8, bool)`);
  }
}

/** IEEE 754 binary16 bits → number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
