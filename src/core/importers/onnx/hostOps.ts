import { hostIndexOps } from './hostIndex';
import { hostMathOps } from './hostMath';
import { hostValue, need, product, toHost, type HostOp } from './hostTensor';
import { ONNX_OPS } from './ops';
import { intsValue, logicalShape, type Kernel, type OpContext } from './values';

const constantOfShape: HostOp = (c, [shape]) => {
  const dims = need(c, shape, 'shape').data;
  const a = c.node.attributes.get('value');
  const t = a?.kind === 'tensor' ? a.value : undefined;
  const value = t?.ints?.[0] ?? t?.floats?.[0] ?? 0;
  return hostValue(new Array(product(dims)).fill(value), dims, !t || !!t.floats);
};

/** Every operator a constant subgraph may use that has a host evaluation of its own. */
export const HOST_OPS: Readonly<Record<string, HostOp>> = { ...hostMathOps, ...hostIndexOps, ConstantOfShape: constantOfShape };

/** Operators that read only the shape of an image tensor: their output is host data, computed per forward. */
export const SHAPE_READERS: Readonly<Record<string, (c: OpContext) => Kernel>> = {
  Shape: ONNX_OPS.Shape!,
  Size: (c) => ([x]) => {
    if (!x) throw c.fail('lacks its input');
    return intsValue([product(logicalShape(x))], []);
  },
};

/** Operators whose tfjs kernel reads integers only (or casts only between floats and integers): always folded on the host. */
const HOST_ALWAYS = new Set(['Cast', 'Equal', 'Where']);

export const canFold = (opType: string) => opType in HOST_OPS || opType in ONNX_OPS;

/**
 * The kernel for a node whose inputs are all known without the image's values: a host evaluation
 * where integer or boolean data may flow (or where tfjs has no kernel), else the tfjs kernel.
 */
export function foldingKernel(c: OpContext, runtimeHost: boolean): Kernel | undefined {
  const op = c.node.opType;
  const first = c.constants[0];
  const host = HOST_OPS[op];
  if (host && (runtimeHost || !ONNX_OPS[op] || HOST_ALWAYS.has(op) || first?.kind === 'ints' || first === undefined)) {
    // Constant tensors read back once, not on every forward pass.
    const fixed = c.constants.map((v) => (v ? toHost(v) : undefined));
    return (inputs) => host(c, inputs.map((v, i) => fixed[i] ?? (v && toHost(v))));
  }
  return ONNX_OPS[op]?.(c);
}

