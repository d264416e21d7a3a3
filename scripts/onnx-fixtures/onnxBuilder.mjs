// Builds small ONNX ModelProtos with protobufjs and the committed onnx.proto3 descriptor.
import protobuf from 'protobufjs';
import fs from 'node:fs';

const schema = JSON.parse(fs.readFileSync(new URL('../../src/core/importers/onnx/onnx.proto3.json', import.meta.url), 'utf8'));
const ModelProto = protobuf.Root.fromJSON(schema).lookupType('onnx.ModelProto');

const FLOAT = 1;
const INT64 = 7;
const FLOAT16 = 10;

/** Float attribute marker (a bare JS number becomes an INT attribute). */
export const f = (value) => ({ f: value });

function floatToHalf(v) {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setFloat32(0, v);
  const x = buf.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign | Math.round((mant | 0x800000) / 2 ** (14 - exp));
  if (exp >= 31) return sign | 0x7c00;
  // Round to nearest (ties away), carrying into the exponent when the mantissa overflows.
  return sign | ((exp << 10) + Math.round(mant / 8192));
}

function tensorProto(name, dims, values, { type = FLOAT, storage = 'raw' } = {}) {
  const t = { name, dims, data_type: type };
  if (type === INT64) {
    if (storage === 'raw') {
      const b = new DataView(new ArrayBuffer(values.length * 8));
      values.forEach((v, i) => b.setBigInt64(8 * i, BigInt(v), true));
      t.raw_data = new Uint8Array(b.buffer);
    } else t.int64_data = values;
  } else if (type === FLOAT16) {
    const halves = values.map(floatToHalf);
    if (storage === 'raw') {
      const b = new DataView(new ArrayBuffer(values.length * 2));
      halves.forEach((h, i) => b.setUint16(2 * i, h, true));
      t.raw_data = new Uint8Array(b.buffer);
    } else t.int32_data = halves;
  } else if (storage === 'raw') {
    t.raw_data = new Uint8Array(Float32Array.from(values).buffer);
  } else t.float_data = values;
  return t;
}

/** An attribute that takes the calling node's attribute `name` (inside a function body). */
export const ref = (name, type) => ({ ref: name, type });

function attribute(name, v) {
  if (typeof v === 'object' && 'ref' in v) return { name, type: v.type, ref_attr_name: v.ref };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: 2, i: v };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ('f' in v) return { name, type: 1, f: v.f };
  if ('fs' in v) return { name, type: 6, floats: v.fs };
  if ('t' in v) return { name, type: 4, t: v.t };
  throw new Error(`attribute ${name}: unknown value`);
}

export class GraphBuilder {
  nodes = [];
  functions = [];
  initializers = [];
  inputs = [];
  outputs = [];
  count = 0;

  /** A float graph input; dims null leaves its shape unstated. */
  input(name, dims) {
    const shape = dims && { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) };
    this.inputs.push({ name, type: { tensor_type: { elem_type: FLOAT, ...(shape && { shape }) } } });
    return name;
  }

  /** A float initializer; options.type FLOAT16 stores half floats, storage 'typed' uses float_data/int32_data. */
  init(dims, values, options = {}) {
    const name = `w${this.count++}`;
    this.initializers.push(tensorProto(name, dims, values, options));
    return name;
  }

  ints(values, options = {}) {
    return this.init([values.length], values, { type: INT64, ...options });
  }

  /** Adds a node; returns its output name (or names when outputs > 1). */
  node(opType, inputs, attrs = {}, { outputs = 1, domain = '' } = {}) {
    const out = Array.from({ length: outputs }, () => `t${this.count++}`);
    this.nodes.push({
      op_type: opType,
      domain,
      name: `${opType}_${this.count}`,
      input: inputs,
      output: out,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs === 1 ? out[0] : out;
  }

  /** A Constant node holding a tensor. */
  constant(dims, values, options = {}) {
    return this.node('Constant', [], { value: { t: tensorProto('', dims, values, options) } });
  }

  /**
   * A model-local function whose body `build(b, ...inputs)` adds nodes to a fresh builder and returns
   * its outputs; `defaults` are attribute values the call may leave out.
   */
  func(domain, name, inputNames, attributeNames, defaults, build, { opset = 17, extraOpsets = [] } = {}) {
    const b = new GraphBuilder();
    const outputs = [build(b, ...inputNames)].flat();
    this.functions.push({
      name,
      domain,
      input: inputNames,
      output: outputs,
      attribute: attributeNames.filter((a) => !(a in defaults)),
      attribute_proto: Object.entries(defaults).map(([k, v]) => attribute(k, v)),
      node: b.nodes,
      opset_import: [{ domain: '', version: opset }, ...extraOpsets],
    });
  }

  output(name) {
    this.outputs.push({ name, type: { tensor_type: { elem_type: FLOAT } } });
  }

  encode({ opset = 17, extraOpsets = [] } = {}) {
    const model = {
      ir_version: 8,
      producer_name: 'alignscope-onnx-fixtures',
      opset_import: [{ domain: '', version: opset }, ...extraOpsets],
      functions: this.functions,
      graph: {
        name: 'fixture',
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    const message = ModelProto.fromObject(model);
    return ModelProto.encode(message).finish();
  }
}

export const DATA_TYPES = { FLOAT, INT64, FLOAT16 };
