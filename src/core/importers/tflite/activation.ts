import * as tf from '@tensorflow/tfjs';
import { reluWithMaskGradient } from '../../engine/reluMask';
import type { TfliteOperator } from './reader';
import type { CompileContext } from './kernelTypes';
import { ActivationFunctionType } from './schema_generated';

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
