import { convOps } from './convOps';
import { extraOps } from './extraOps';
import { mathOps } from './mathOps';
import { normOps } from './normOps';
import { shapeOps } from './shapeOps';
import type { KernelCompiler } from './values';

/** Every ai.onnx operator AlignScope can run, by op_type. */
export const ONNX_OPS: Readonly<Record<string, KernelCompiler>> = { ...convOps, ...mathOps, ...shapeOps, ...extraOps, ...normOps };

export const SUPPORTED_ONNX_OPS: readonly string[] = Object.keys(ONNX_OPS).sort();

/** Opsets whose definitions of the supported operators the kernels follow (7 … 23). */
export const MIN_OPSET = 7;
export const MAX_OPSET = 23;
