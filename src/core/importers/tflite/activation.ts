import * as tf from '@tensorflow/tfjs';
import type { FusableActivation } from '../../engine/convGradient';
import { reluWithMaskGradient } from '../../engine/reluMask';
import type { TfliteOperator } from './reader';
import type { CompileContext } from './kernelTypes';
import { ActivationFunctionType } from './schema_generated';

/** The activation a fused convolution kernel can apply itself (convGradient.ts), where the op's is one. */
export function kernelActivation(code: ActivationFunctionType): FusableActivation | null {
  if (code === ActivationFunctionType.NONE) return 'linear';
  if (code === ActivationFunctionType.RELU) return 'relu';
  if (code === ActivationFunctionType.RELU6) return 'relu6';
  return null;
}

/** The fused activation an op applies to its output, checked once at build time. */
export function fusedActivation(
  code: ActivationFunctionType,
  op: TfliteOperator,
  c: CompileContext,
): (x: tf.Tensor) => tf.Tensor {
  switch (code) {
    case ActivationFunctionType.NONE:
      return (x) => x;
    case ActivationFunctionType.RELU:
      return reluWithMaskGradient('relu');
    case ActivationFunctionType.RELU6:
      return reluWithMaskGradient('relu6');
    case ActivationFunctionType.RELU_N1_TO_1:
      return (x) => tf.clipByValue(x, -1, 1);
    case ActivationFunctionType.TANH:
      return (x) => tf.tanh(x);
    default:
      throw c.fail(op, `its fused activation ${ActivationFunctionType[code] ?? code} is not supported`);
  }
}
