import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';
import { resolveShard, shardFileName, shardRange } from './shard';

describe('shardRange', () => {
  it('cuts the job list into contiguous blocks that cover it once', () => {
    for (const total of [0, 1, 7, 8, 40]) {
      for (const count of [1, 2, 3, 5]) {
        const ranges = Array.from({ length: count }, (_, index) => shardRange(total, { index, count }));
        expect(ranges[0].start).toBe(0);
        expect(ranges[count - 1].end).toBe(total);
        for (let i = 1; i < count; i++) expect(ranges[i].start).toBe(ranges[i - 1].end);
        const sizes = ranges.map((r) => r.end - r.start);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('gives 8 jobs in 3 shards as 2, 3, 3 (floor of i·N/n)', () => {
    expect([0, 1, 2].map((index) => shardRange(8, { index, count: 3 }))).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 5 },
      { start: 5, end: 8 },
    ]);
  });
});

describe('resolveShard', () => {
  it('takes --shard first', () => {
    expect(resolveShard({ index: 1, count: 3 }, null, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' })).toMatchObject({ index: 1, count: 3 });
  });

  it('reads a Slurm array task', () => {
    expect(resolveShard(null, null, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' })).toMatchObject({ index: 2, count: 3, from: 'Slurm' });
  });

  it('takes the count from --shards when one Slurm task is submitted again on its own', () => {
    expect(resolveShard(null, 3, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '1' })).toMatchObject({ index: 1, count: 3 });
  });

  it('refuses a Slurm array that does not start at 0', () => {
    expect(() => resolveShard(null, null, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' })).toThrow(UsageError);
  });

  it('reads a Kubernetes Indexed Job with --shards', () => {
    expect(resolveShard(null, 4, { JOB_COMPLETION_INDEX: '3' })).toMatchObject({ index: 3, count: 4 });
    expect(() => resolveShard(null, null, { JOB_COMPLETION_INDEX: '3' })).toThrow(/--shards/);
    expect(() => resolveShard(null, 3, { JOB_COMPLETION_INDEX: '3' })).toThrow(/0…2/);
  });

  it('runs everything as shard 0 of 1 without any of them', () => {
    expect(resolveShard(null, null, {})).toMatchObject({ index: 0, count: 1 });
    expect(shardFileName({ index: 0, count: 1 })).toBe('results-0-of-1.jsonl');
  });
});

describe('parseArgs', () => {
  const base = ['--models', 'mobilenet_v1_0.25_224', '--images', 'samples', '--out', 'o'];

  it('reads lists, protocol, steps and the facts of the path before them', () => {
    const a = parseArgs([
      '--models', 'mobilenet_v1_0.25_224,my/model.onnx', '--norm', 'imagenet', '--size=224', '--timm', 'resnet50.a1_in1k',
      '--models', 'https://h/m.tflite', '--classes', '1001',
      '--images', 'samples,val-0.tfrecords#0-9', '--protocol', '2025-corrected', '--steps', '10', '--out', 'out', '--shard', '1/3',
    ]);
    expect(a.models).toEqual([
      { spec: 'mobilenet_v1_0.25_224', facts: {} },
      { spec: 'my/model.onnx', facts: { norm: 'ImageNet mean/std', size: '224', timm: 'resnet50.a1_in1k' } },
      { spec: 'https://h/m.tflite', facts: { classes: '1001' } },
    ]);
    expect(a.images).toEqual(['samples', 'val-0.tfrecords#0-9']);
    expect(a).toMatchObject({ protocol: '2025-corrected', steps: 10, out: 'out', backend: 'wasm', shard: { index: 1, count: 3 } });
  });

  it("defaults the steps and the attack to the protocol's, and takes the interactive protocol's attack", () => {
    expect(parseArgs(base)).toMatchObject({ steps: 100, attack: 'fmn' });
    expect(parseArgs([...base, '--protocol', '2025-published']).attack).toBe('fmn-as-published');
    expect(parseArgs([...base, '--attack', 'ddn', '--steps', '20'])).toMatchObject({ attack: 'ddn', steps: 20 });
  });

  it.each([
    [['--images', 'samples', '--out', 'o'], /--models is missing/],
    [[...base, '--protocol', 'nope'], /not a protocol/],
    [[...base, '--steps', '0'], /positive whole number/],
    [[...base, '--backend', 'webgl'], /not available in Node/],
    [[...base, '--shard', '3/3'], /0…2/],
    [[...base, '--shard', 'two'], /form i\/n/],
    [[...base, '--norm', 'imagenet'], /catalogue id/],
    [[...base, '--models', 'm.onnx', '--norm', 'nope'], /not a normalisation/],
    [[...base, '--models', 'm.onnx', '--classes', '10'], /1000 or 1001/],
    [[...base, '--models', 'm.onnx', '--interp', 'lanczos'], /bilinear, bicubic/],
    [[...base, '--models', 'm.onnx', '--crop', 'x'], /crop_pct/],
    [[...base, '--frobnicate'], /Unknown argument/],
    [[...base, '--attack', 'cw'], /not an attack/],
    [[...base, '--protocol', '2023', '--attack', 'ddn'], /fixes its attack \(pgd-bisect\)/],
    [[...base, '--out'], /--out needs a value/],
  ])('refuses %j with one sentence', (argv, message) => {
    expect(() => parseArgs(argv as string[])).toThrow(message);
  });
});
