import { convKernels } from './convKernels';
import { elementwiseKernels } from './elementwiseKernels';
import type { KernelCompiler } from './kernelTypes';
import { shapeKernels } from './shapeKernels';

/** Every TFLite builtin op AlignScope can run, by BuiltinOperator name. */
export const KERNELS: Readonly<Record<string, KernelCompiler>> = {
  ...convKernels,
  ...elementwiseKernels,
  ...shapeKernels,
};

export const SUPPORTED_OPS: readonly string[] = Object.keys(KERNELS).sort();
