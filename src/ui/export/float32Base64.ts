/**
 * Float32 arrays as base64 text in little-endian byte order, whatever the machine's own order,
 * so a run JSON written on one machine decodes the same anywhere (numpy: `np.frombuffer(b, '<f4')`).
 */

export class Float32Base64Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Float32Base64Error';
  }
}

const CHUNK = 0x8000;

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // String.fromCharCode on the whole array overflows the call stack for 600 kB inputs.
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

function base64ToBytes(text: string, what: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Float32Base64Error(`The ${what} is not valid base64 text.`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeFloat32Base64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytesToBase64(bytes);
}

/** `what` names the array in error messages (e.g. "perturbation in run.json"). */
export function decodeFloat32Base64(text: string, what = 'float32 array'): Float32Array {
  const bytes = base64ToBytes(text, what);
  if (bytes.length % 4 !== 0) {
    throw new Float32Base64Error(`The ${what} holds ${bytes.length} bytes, not a whole number of 4-byte float32 values.`);
  }
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** An array as it appears in the run JSON. */
export interface EncodedArray {
  dtype: 'float32';
  byteOrder: 'little';
  /** Row-major; images are [height, width, channels], maps [height, width]. */
  shape: number[];
  base64: string;
}

export function encodeArray(values: Float32Array, shape: number[]): EncodedArray {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) {
    throw new Float32Base64Error(`An array of ${values.length} values cannot have the shape [${shape.join(', ')}] (${size} values).`);
  }
  return { dtype: 'float32', byteOrder: 'little', shape: [...shape], base64: encodeFloat32Base64(values) };
}

export function decodeArray(encoded: EncodedArray, what = 'array'): Float32Array {
  if (encoded.dtype !== 'float32' || encoded.byteOrder !== 'little') {
    throw new Float32Base64Error(`The ${what} is ${encoded.dtype}/${encoded.byteOrder}; only little-endian float32 is written by AlignScope.`);
  }
  const values = decodeFloat32Base64(encoded.base64, what);
  const size = encoded.shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) {
    throw new Float32Base64Error(`The ${what} holds ${values.length} values but its shape [${encoded.shape.join(', ')}] says ${size}.`);
  }
  return values;
}
