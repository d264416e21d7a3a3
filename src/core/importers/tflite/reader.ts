import * as flatbuffers from 'flatbuffers';
import { TfliteImportError } from './errors';
import {
  BuiltinOperator,
  Model,
  type Operator,
  TensorType,
} from './schema_generated';

/** Quantisation of one tensor: real = scale * (q - zeroPoint), per channel along `axis` when scale has several entries. */
export interface TfliteQuantization {
  scale: number[];
  zeroPoint: number[];
  axis: number;
}

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: TensorType;
  quantization?: TfliteQuantization;
  /** Raw little-endian bytes of a constant tensor; undefined for activations. */
  data?: Uint8Array;
}

export interface TfliteOperator {
  index: number;
  /** BuiltinOperator name, e.g. "CONV_2D"; custom ops read "CUSTOM(name)". */
  opName: string;
  code: BuiltinOperator;
  /** Tensor indices; -1 marks an optional input that is absent. */
  inputs: number[];
  outputs: number[];
  /** The flatbuffers table, for reading the op's builtin options. */
  table: Operator;
}

export interface TfliteGraph {
  fileName: string;
  description: string;
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

const IDENTIFIER = 'TFL3';

const BYTES_PER_ELEMENT: Partial<Record<TensorType, number>> = {
  [TensorType.FLOAT32]: 4,
  [TensorType.FLOAT16]: 2,
  [TensorType.INT32]: 4,
  [TensorType.UINT8]: 1,
  [TensorType.INT64]: 8,
  [TensorType.INT16]: 2,
  [TensorType.INT8]: 1,
  [TensorType.FLOAT64]: 8,
  [TensorType.BOOL]: 1,
  [TensorType.UINT32]: 4,
  [TensorType.UINT16]: 2,
};

/** True when the bytes carry the TFLite FlatBuffer file identifier "TFL3" at offset 4. */
export function hasTfliteIdentifier(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  return String.fromCharCode(head[4], head[5], head[6], head[7]) === IDENTIFIER;
}

export function tensorTypeName(type: TensorType): string {
  return TensorType[type] ?? `type ${type}`;
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * flatbuffers' ByteBuffer reads past its end as zeros (typed-array reads give undefined); every other
 * read goes through these three, so checking them turns any out-of-file offset into an error.
 */
class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  private check(offset: number, size: number): void {
    if (!(offset >= 0 && offset + size <= this.capacity())) {
      throw new RangeError(`an offset points to byte ${offset} of ${this.capacity()}`);
    }
  }
  override readUint8(offset: number): number {
    this.check(offset, 1);
    return super.readUint8(offset);
  }
  override readUint16(offset: number): number {
    this.check(offset, 2);
    return super.readUint16(offset);
  }
  override readInt32(offset: number): number {
    this.check(offset, 4);
    return super.readInt32(offset);
  }
}

/**
 * Decodes the first subgraph of a .tflite file into plain objects. A truncated or corrupt file is
 * caught by bounds-checked reads and by checking every buffer's extent and every constant's byte length.
 */
export function readTfliteGraph(bytes: Uint8Array, fileName: string): TfliteGraph {
  if (bytes.length < 8) {
    throw new TfliteImportError(
      `${fileName} is not a TFLite model: it has only ${bytes.length} bytes, too few for a FlatBuffer header.`,
    );
  }
  if (!hasTfliteIdentifier(bytes)) {
    const found = String.fromCharCode(...bytes.subarray(4, 8)).replace(/[^\x20-\x7e]/g, '?');
    throw new TfliteImportError(
      `${fileName} is not a TFLite model: its FlatBuffer identifier is "${found}" where a .tflite file has "${IDENTIFIER}".`,
    );
  }
  // The generated accessors view vectors as Int32Array/Float32Array over the whole ArrayBuffer: that
  // needs aligned storage, and a view must not reach bytes beyond the file, so own the buffer.
  const aligned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  try {
    return decode(aligned, fileName);
  } catch (err) {
    if (err instanceof TfliteImportError) throw err;
    throw new TfliteImportError(
      `${fileName} is truncated or corrupt: reading its FlatBuffer failed (${(err as Error).message}).`,
    );
  }
}

function decode(bytes: Uint8Array, fileName: string): TfliteGraph {
  const corrupt = (what: string) =>
    new TfliteImportError(`${fileName} is truncated or corrupt: ${what}.`);
  const bb = new CheckedByteBuffer(bytes);
  const model = Model.getRootAsModel(bb);
  if (model.version() !== 3) {
    throw new TfliteImportError(`${fileName} has TFLite schema version ${model.version()}; only version 3 is supported.`);
  }
  if (model.subgraphsLength() < 1) throw new TfliteImportError(`${fileName} holds no subgraph, so there is no model to run.`);
  const subgraph = model.subgraphs(0)!;

  // Every buffer, used or not, must lie inside the file: a cut anywhere is reported.
  for (let i = 0; i < model.buffersLength(); i++) bufferBytes(model, i, bytes, corrupt);

  const opNames: string[] = [];
  const opCodes: BuiltinOperator[] = [];
  for (let i = 0; i < model.operatorCodesLength(); i++) {
    const oc = model.operatorCodes(i)!;
    // Files before schema 3a only fill the byte-sized deprecated field; newer ones fill both.
    const code = Math.max(oc.deprecatedBuiltinCode(), oc.builtinCode()) as BuiltinOperator;
    opCodes.push(code);
    const name = BuiltinOperator[code] ?? `builtin op ${code}`;
    opNames.push(code === BuiltinOperator.CUSTOM ? `CUSTOM(${oc.customCode() ?? '?'})` : name);
  }

  const tensors: TfliteTensor[] = [];
  for (let i = 0; i < subgraph.tensorsLength(); i++) {
    const t = subgraph.tensors(i)!;
    const shape = Array.from(t.shapeArray() ?? []);
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw corrupt(`tensor ${i} has the shape [${shape}]`);
    if (t.sparsity()) {
      throw new TfliteImportError(`${fileName}: tensor "${t.name()}" is stored sparse, which AlignScope does not support.`);
    }
    const tensor: TfliteTensor = { index: i, name: t.name() ?? `tensor ${i}`, shape, type: t.type() };
    const q = t.quantization();
    if (q && q.scaleLength() > 0) {
      tensor.quantization = {
        scale: Array.from(q.scaleArray()!),
        zeroPoint: Array.from({ length: q.zeroPointLength() }, (_, k) => Number(q.zeroPoint(k)!)),
        axis: q.quantizedDimension(),
      };
    }
    // Buffer 0 is the shared empty buffer of every activation.
    const data = t.buffer() === 0 ? undefined : bufferBytes(model, t.buffer(), bytes, corrupt);
    if (data && data.length > 0) {
      const width = BYTES_PER_ELEMENT[tensor.type];
      if (width !== undefined && data.length !== width * elementCount(shape)) {
        throw corrupt(
          `constant tensor "${tensor.name}" of shape [${shape}] (${tensorTypeName(tensor.type)}) has ${data.length} bytes of data`,
        );
      }
      tensor.data = data;
    }
    tensors.push(tensor);
  }

  const tensorIndex = (k: number, what: string) => {
    if (k === -1 || (Number.isInteger(k) && k >= 0 && k < tensors.length)) return k;
    throw corrupt(`${what} refers to tensor ${k} of ${tensors.length}`);
  };
  const operators: TfliteOperator[] = [];
  for (let i = 0; i < subgraph.operatorsLength(); i++) {
    const op = subgraph.operators(i)!;
    const codeIndex = op.opcodeIndex();
    if (codeIndex >= opCodes.length) throw corrupt(`operator ${i} uses operator code ${codeIndex} of ${opCodes.length}`);
    operators.push({
      index: i,
      opName: opNames[codeIndex],
      code: opCodes[codeIndex],
      inputs: Array.from(op.inputsArray() ?? [], (k) => tensorIndex(k, `operator ${i}`)),
      outputs: Array.from(op.outputsArray() ?? [], (k) => tensorIndex(k, `operator ${i}`)),
      table: op,
    });
  }
  return {
    fileName,
    description: model.description() ?? '',
    tensors,
    operators,
    inputs: Array.from(subgraph.inputsArray() ?? [], (k) => tensorIndex(k, 'the subgraph inputs')),
    outputs: Array.from(subgraph.outputsArray() ?? [], (k) => tensorIndex(k, 'the subgraph outputs')),
  };
}

function bufferBytes(
  model: Model,
  index: number,
  bytes: Uint8Array,
  corrupt: (what: string) => Error,
): Uint8Array | undefined {
  if (index >= model.buffersLength()) throw corrupt(`a tensor refers to buffer ${index} of ${model.buffersLength()}`);
  const buffer = model.buffers(index)!;
  // Schema 3c keeps large buffers after the FlatBuffer, addressed by offset and size.
  const offset = Number(buffer.offset());
  if (offset > 1) {
    const end = offset + Number(buffer.size());
    if (end > bytes.length) throw corrupt(`buffer ${index} ends at byte ${end} of ${bytes.length}`);
    return bytes.subarray(offset, end);
  }
  const length = buffer.dataLength();
  if (length === 0) return undefined;
  const start = buffer.bb!.__vector(buffer.bb_pos + buffer.bb!.__offset(buffer.bb_pos, 4));
  if (start + length > bytes.length) throw corrupt(`buffer ${index} ends at byte ${start + length} of ${bytes.length}`);
  return bytes.subarray(start, start + length);
}
