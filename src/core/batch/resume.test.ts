import { describe, expect, it } from 'vitest';
import { checkRepicked, resumeDecisions } from './resume';
import type { PlanFile } from './plan';

const files: PlanFile[] = [
  { id: 'file:resnet50.onnx', kind: 'model', name: 'resnet50.onnx', size: 102_400 },
  { id: 'val-0.tfrecords', kind: 'shard', name: 'val-0.tfrecords', size: 5_000 },
  { id: 'file:typed.tflite', kind: 'model', name: 'typed.tflite', size: -1 },
];

describe('resuming a batch that needs files', () => {
  it('goes on with stored files, asks again for the others, and calls a file of unknown size missing', () => {
    const d = resumeDecisions(files, { available: new Set(['file:resnet50.onnx']) });
    expect(d.map((x) => [x.file.name, x.decision])).toEqual([
      ['resnet50.onnx', 'stored'], ['val-0.tfrecords', 're-pick'], ['typed.tflite', 'missing'],
    ]);
  });
  it('accepts a file picked again only with the same name and size', () => {
    expect(checkRepicked(files[1], { name: 'val-0.tfrecords', size: 5_000 })).toBeNull();
    expect(checkRepicked(files[1], { name: 'val-1.tfrecords', size: 5_000 })).toBe('The batch needs "val-0.tfrecords" (5000 bytes), not "val-1.tfrecords".');
    expect(checkRepicked(files[1], { name: 'val-0.tfrecords', size: 4_999 })).toBe(
      '"val-0.tfrecords" has 4999 bytes, but the file this batch started with had 5000: it is not the same file.',
    );
    expect(checkRepicked(files[2], { name: 'typed.tflite', size: 7 })).toBeNull();
  });
});
