import { TfliteImportError } from './errors';
import { elementCount, type TfliteTensor, tensorTypeName } from './reader';
import { TensorType } from './schema_generated';

/** The stored numbers of a constant tensor, before any quantisation is applied. */
function storedValues(t: TfliteTensor, fileName: string): Float64Array | Float32Array {
  const data = t.data!;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = elementCount(t.shape);
  const out = new Float64Array(n);
  switch (t.type) {
    case TensorType.FLOAT32: {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = view.getFloat32(4 * i, true);
      return f;
    }
    case TensorType.FLOAT16:
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    case TensorType.UINT8:
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i);
      return out;
    case TensorType.INT8:
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      return out;
    case TensorType.INT16:
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true);
      return out;
    case TensorType.INT32:
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    case TensorType.INT64:
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(8 * i, true));
      return out;
    default:
      throw new TfliteImportError(
        `${fileName}: constant tensor "${t.name}" has the type ${tensorTypeName(t.type)}, which AlignScope cannot read.`,
      );
  }
}

/**
 * The float32 values of a constant tensor: real = scale * (q - zeroPoint), with one scale and zero
 * point per slice along the quantised axis for per-channel quantisation (int8 weights, int32 biases).
 */
export function constantFloats(t: TfliteTensor, fileName: string): Float32Array {
  if (!t.data) throw new TfliteImportError(`${fileName}: tensor "${t.name}" was expected to be a constant but has no data.`);
  const q = t.quantization;
  const stored = storedValues(t, fileName);
  if (!q || t.type === TensorType.FLOAT32 || t.type === TensorType.FLOAT16) return Float32Array.from(stored);
  const channels = q.scale.length;
  const out = new Float32Array(stored.length);
  if (channels === 1) {
    const zp = q.zeroPoint[0] ?? 0;
    for (let i = 0; i < stored.length; i++) out[i] = q.scale[0] * (stored[i] - zp);
    return out;
  }
  if (t.shape[q.axis] !== channels) {
    throw new TfliteImportError(
      `${fileName}: tensor "${t.name}" of shape [${t.shape}] has ${channels} quantisation scales along axis ${q.axis}, which does not match its size.`,
    );
  }
  const inner = elementCount(t.shape.slice(q.axis + 1));
  for (let i = 0; i < stored.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = q.scale[c] * (stored[i] - (q.zeroPoint[c] ?? 0));
  }
  return out;
}

/** Integer contents of a constant (shapes, axes, paddings), never dequantised. */
export function constantInts(t: TfliteTensor, fileName: string): number[] {
  if (!t.data) throw new TfliteImportError(`${fileName}: tensor "${t.name}" was expected to be a constant but has no data.`);
  if (t.type !== TensorType.INT32 && t.type !== TensorType.INT64) {
    throw new TfliteImportError(
      `${fileName}: tensor "${t.name}" should hold integers (shape, axis or padding) but has the type ${tensorTypeName(t.type)}.`,
    );
  }
  return Array.from(storedValues(t, fileName));
}

/** IEEE 754 binary16 to a JS number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
