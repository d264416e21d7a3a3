import * as tf from '@tensorflow/tfjs';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { wasmReluMaskKernel } from './wasmReluMask';

/**
 * dL/dz = dL/dy · [0 < y < top] for y = relu(z) (top = ∞) or relu6(z) (top = 6), read off y alone
 * (at z = 6 exactly, where tfjs' own relu6 gradient says 1, this says 0: a set of measure zero).
 * Composed from ops this is two to four element-wise kernels per layer; on WebGPU, where a batch-1
 * gradient is bound by kernel launches, it runs as the one kernel below; on wasm as one SIMD pass
 * (wasmReluMask.ts).
 */
export type ReluKind = 'relu' | 'relu6';

const KERNEL = 'AlignScopeReluMask';

class ReluMaskProgram implements WebGPUProgram {
  variableNames = ['dy', 'y'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(
    shape: number[],
    private readonly kind: ReluKind,
  ) {
    this.outputShape = shape;
    this.dispatchLayout = webgpu_util.flatDispatchLayout(shape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, shape, this.workgroupSize);
    this.shaderKey = `alignscope_relu_mask_${kind}`;
  }

  getUserCode(): string {
    const inside = this.kind === 'relu' ? 'y > 0.0' : 'y > 0.0 && y < 6.0';
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let y = getYByOutputIndex(index);
          setOutputAtIndex(index, select(0.0, getDyByOutputIndex(index), ${inside}));
        }
      }`;
  }
}

tf.registerKernel({
  kernelName: KERNEL,
  backendName: 'webgpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const kind = (attrs as unknown as { kind: ReluKind }).kind;
    return (backend as WebGPUBackend).runWebGPUProgram(new ReluMaskProgram(y.shape, kind), [dy, y], 'float32');
  },
});

tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: wasmReluMaskKernel });

const MASK_KERNEL_BACKENDS = new Set(['webgpu', 'wasm']);

export function reluMask(kind: ReluKind, y: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  if (MASK_KERNEL_BACKENDS.has(tf.getBackend())) {
    return tf.engine().runKernel(KERNEL, { dy, y }, { kind } as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  const inside = kind === 'relu' ? tf.step(y) : tf.step(tf.mul(y, tf.sub(6, y)));
  return tf.mul(dy, inside);
}

/** relu or relu6 whose gradient is the mask above, so unfused activations take the one kernel too. */
export function reluWithMaskGradient(kind: ReluKind): (x: tf.Tensor) => tf.Tensor {
  const f = (x: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = kind === 'relu' ? tf.relu(x) : tf.relu6(x);
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => reluMask(kind, saved, dy) };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
}
