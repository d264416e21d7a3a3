import * as flatbuffers from 'flatbuffers';
import {
  ActivationFunctionType,
  AddOptions,
  BuiltinOperator,
  BuiltinOptions,
  ConcatenationOptions,
  Conv2DOptions,
  DepthwiseConv2DOptions,
  FullyConnectedOptions,
  FullyConnectedOptionsWeightsFormat,
  Model,
  MulOptions,
  Operator,
  OperatorCode,
  Padding,
  Pool2DOptions,
  QuantizationParameters,
  ReducerOptions,
  SoftmaxOptions,
  SqueezeOptions,
  SubGraph,
  Tensor,
  TensorType,
  Buffer as TfliteBuffer,
} from './schema_generated';

/**
 * Writes small .tflite files in code with the FlatBuffers builder, so tests can check each op on
 * hand-made cases and build broken files on purpose. Test-only: the app never writes .tflite files.
 */
export interface SpecTensor {
  shape: number[];
  type?: TensorType;
  /** Stored values in the tensor's own type (raw integers for quantised tensors, raw bits for FLOAT16). */
  data?: ArrayLike<number>;
  quantization?: { scale: number[]; zeroPoint: number[]; axis?: number };
  name?: string;
}

type OptionsWriter = (b: flatbuffers.Builder) => [BuiltinOptions, flatbuffers.Offset];

export interface SpecOp {
  op: keyof typeof BuiltinOperator;
  inputs: number[];
  outputs: number[];
  options?: OptionsWriter;
}

export interface TfliteSpec {
  tensors: SpecTensor[];
  operators: SpecOp[];
  inputs: number[];
  outputs: number[];
  version?: number;
}

function dataBytes(t: SpecTensor): Uint8Array {
  const v = Array.from(t.data!);
  switch (t.type ?? TensorType.FLOAT32) {
    case TensorType.FLOAT32:
      return new Uint8Array(new Float32Array(v).buffer);
    case TensorType.FLOAT16:
    case TensorType.INT16:
      return new Uint8Array(new Uint16Array(v).buffer);
    case TensorType.INT32:
      return new Uint8Array(new Int32Array(v).buffer);
    case TensorType.INT64:
      return new Uint8Array(new BigInt64Array(v.map(BigInt)).buffer);
    case TensorType.INT8:
      return new Uint8Array(new Int8Array(v).buffer);
    default:
      return new Uint8Array(v);
  }
}

export function buildTflite(spec: TfliteSpec): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const buffers: flatbuffers.Offset[] = [TfliteBuffer.createBuffer(b, 0, 0n, 0n)];
  const tensorOffsets = spec.tensors.map((t, i) => {
    let bufferIndex = 0;
    if (t.data) {
      const data = TfliteBuffer.createDataVector(b, dataBytes(t));
      TfliteBuffer.startBuffer(b);
      TfliteBuffer.addData(b, data);
      buffers.push(TfliteBuffer.endBuffer(b));
      bufferIndex = buffers.length - 1;
    }
    let quant = 0;
    if (t.quantization) {
      const scale = QuantizationParameters.createScaleVector(b, t.quantization.scale);
      const zp = QuantizationParameters.createZeroPointVector(b, t.quantization.zeroPoint.map(BigInt));
      QuantizationParameters.startQuantizationParameters(b);
      QuantizationParameters.addScale(b, scale);
      QuantizationParameters.addZeroPoint(b, zp);
      QuantizationParameters.addQuantizedDimension(b, t.quantization.axis ?? 0);
      quant = QuantizationParameters.endQuantizationParameters(b);
    }
    const name = b.createString(t.name ?? `t${i}`);
    const shape = Tensor.createShapeVector(b, t.shape);
    Tensor.startTensor(b);
    Tensor.addShape(b, shape);
    Tensor.addType(b, t.type ?? TensorType.FLOAT32);
    Tensor.addBuffer(b, bufferIndex);
    Tensor.addName(b, name);
    if (quant) Tensor.addQuantization(b, quant);
    return Tensor.endTensor(b);
  });

  const codes = [...new Set(spec.operators.map((o) => BuiltinOperator[o.op]))];
  const opCodes = codes.map((code) => OperatorCode.createOperatorCode(b, Math.min(code, 127), 0, 1, code));
  const ops = spec.operators.map((o) => {
    const [optionsType, options] = o.options ? o.options(b) : [BuiltinOptions.NONE, 0];
    const inputs = Operator.createInputsVector(b, o.inputs);
    const outputs = Operator.createOutputsVector(b, o.outputs);
    Operator.startOperator(b);
    Operator.addOpcodeIndex(b, codes.indexOf(BuiltinOperator[o.op]));
    Operator.addInputs(b, inputs);
    Operator.addOutputs(b, outputs);
    if (optionsType !== BuiltinOptions.NONE) {
      Operator.addBuiltinOptionsType(b, optionsType);
      Operator.addBuiltinOptions(b, options);
    }
    return Operator.endOperator(b);
  });

  const subgraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensorOffsets),
    SubGraph.createInputsVector(b, spec.inputs),
    SubGraph.createOutputsVector(b, spec.outputs),
    SubGraph.createOperatorsVector(b, ops),
    b.createString('main'),
  );
  const model = Model.createModel(
    b,
    spec.version ?? 3,
    Model.createOperatorCodesVector(b, opCodes),
    Model.createSubgraphsVector(b, [subgraph]),
    b.createString('built by AlignScope tests'),
    Model.createBuffersVector(b, buffers),
    0,
    0,
    0,
  );
  Model.finishModelBuffer(b, model);
  return b.asUint8Array().slice();
}

export interface ConvSettings {
  padding?: 'SAME' | 'VALID';
  stride?: [number, number];
  dilation?: [number, number];
  activation?: keyof typeof ActivationFunctionType;
}

const act = (a?: keyof typeof ActivationFunctionType) => ActivationFunctionType[a ?? 'NONE'];
const pad = (p?: 'SAME' | 'VALID') => Padding[p ?? 'VALID'];

export const options = {
  conv2d: (s: ConvSettings = {}): OptionsWriter => (b) => [
    BuiltinOptions.Conv2DOptions,
    Conv2DOptions.createConv2DOptions(b, pad(s.padding), s.stride?.[1] ?? 1, s.stride?.[0] ?? 1, act(s.activation), s.dilation?.[1] ?? 1, s.dilation?.[0] ?? 1, TensorType.FLOAT32),
  ],
  depthwise: (s: ConvSettings & { multiplier?: number } = {}): OptionsWriter => (b) => [
    BuiltinOptions.DepthwiseConv2DOptions,
    DepthwiseConv2DOptions.createDepthwiseConv2DOptions(b, pad(s.padding), s.stride?.[1] ?? 1, s.stride?.[0] ?? 1, s.multiplier ?? 1, act(s.activation), s.dilation?.[1] ?? 1, s.dilation?.[0] ?? 1),
  ],
  pool: (filter: [number, number], s: ConvSettings = {}): OptionsWriter => (b) => [
    BuiltinOptions.Pool2DOptions,
    Pool2DOptions.createPool2DOptions(b, pad(s.padding), s.stride?.[1] ?? 1, s.stride?.[0] ?? 1, filter[1], filter[0], act(s.activation)),
  ],
  fullyConnected: (activation?: keyof typeof ActivationFunctionType, keepNumDims = false): OptionsWriter => (b) => [
    BuiltinOptions.FullyConnectedOptions,
    FullyConnectedOptions.createFullyConnectedOptions(b, act(activation), FullyConnectedOptionsWeightsFormat.DEFAULT, keepNumDims, false, TensorType.FLOAT32),
  ],
  add: (activation?: keyof typeof ActivationFunctionType): OptionsWriter => (b) => [
    BuiltinOptions.AddOptions,
    AddOptions.createAddOptions(b, act(activation), false),
  ],
  mul: (activation?: keyof typeof ActivationFunctionType): OptionsWriter => (b) => [
    BuiltinOptions.MulOptions,
    MulOptions.createMulOptions(b, act(activation)),
  ],
  concatenation: (axis: number, activation?: keyof typeof ActivationFunctionType): OptionsWriter => (b) => [
    BuiltinOptions.ConcatenationOptions,
    ConcatenationOptions.createConcatenationOptions(b, axis, act(activation)),
  ],
  reducer: (keepDims: boolean): OptionsWriter => (b) => [BuiltinOptions.ReducerOptions, ReducerOptions.createReducerOptions(b, keepDims)],
  squeeze: (dims: number[]): OptionsWriter => (b) => [
    BuiltinOptions.SqueezeOptions,
    SqueezeOptions.createSqueezeOptions(b, SqueezeOptions.createSqueezeDimsVector(b, dims)),
  ],
  softmax: (beta = 1): OptionsWriter => (b) => [BuiltinOptions.SoftmaxOptions, SoftmaxOptions.createSoftmaxOptions(b, beta)],
};

/**
 * A copy of a .tflite file whose (single) subgraph output is another tensor, e.g. the logits before
 * the softmax, so a reference runtime can be asked for them. The outputs vector is field 2 of
 * SubGraph (vtable slot 8); the index is overwritten in place, so the file keeps its layout.
 */
export function withSubgraphOutput(bytes: Uint8Array, tensorIndex: number): Uint8Array {
  const copy = bytes.slice();
  const bb = new flatbuffers.ByteBuffer(copy);
  const subgraph = Model.getRootAsModel(bb).subgraphs(0)!;
  if (subgraph.outputsLength() !== 1) throw new Error('withSubgraphOutput handles single-output subgraphs only');
  const field = bb.__offset(subgraph.bb_pos, 8);
  new DataView(copy.buffer).setInt32(bb.__vector(subgraph.bb_pos + field), tensorIndex, true);
  return copy;
}
