import { describe, expect, it } from 'vitest';
import { readBatchParams, shardSpecs, writeBatchParams } from './batchUrl';

describe('the batch address', () => {
  it('reads models, image specs, protocol, steps, attack and run', () => {
    const url = 'https://h/m.onnx#norm=%5B-1%2C1%5D&timm=resnet50';
    const q = new URLSearchParams({ tab: 'batch', models: `mobilenet_v1_0.25_224,${url},file:mine.onnx`, images: 'samples,shard:https://h/v.tfrecords#0-9', protocol: 'interactive', steps: '20', attack: 'ddn', run: '1' });
    expect(readBatchParams(`?${q}`)).toEqual({
      models: ['mobilenet_v1_0.25_224', url, 'file:mine.onnx'],
      images: ['samples', 'shard:https://h/v.tfrecords#0-9'],
      protocol: 'interactive', steps: 20, attack: 'ddn', run: true, problems: [],
    });
    expect(readBatchParams('?tab=batch')).toBeNull();
    expect(readBatchParams('?models=a&images=b')).toBeNull();
  });

  it('says what it could not use', () => {
    const p = readBatchParams('?tab=batch&models=a&images=samples&protocol=nope&steps=-3&attack=zap')!;
    expect(p.protocol).toBe('interactive');
    expect(p.steps).toBe(100);
    expect(p.attack).toBeUndefined();
    expect(p.problems).toHaveLength(3);
    expect(p.problems[2]).toMatch(/^The address asks for attack "zap", which is not one of fmn, /);
  });

  it('writes the definition back without run=1, keeping other parameters, and reads it again', () => {
    const search = writeBatchParams('?backend=wasm&run=1', { models: ['a', 'file:b.onnx'], images: ['shard:s.tfrecords#0-2'], protocol: 'interactive', steps: 10, attack: 'fmn' });
    const q = new URLSearchParams(search);
    expect(q.get('backend')).toBe('wasm');
    expect(q.has('run')).toBe(false);
    expect(readBatchParams(search)).toMatchObject({ models: ['a', 'file:b.onnx'], images: ['shard:s.tfrecords#0-2'], steps: 10, attack: 'fmn', run: false });
    expect(new URLSearchParams(writeBatchParams('', { models: ['a'], images: ['x'], protocol: '2023', steps: 5, attack: 'ddn' })).has('attack')).toBe(false);
  });

  it('writes record picks as the fewest ranges', () => {
    expect(shardSpecs('s', [5, 0, 1, 2, 7, 8])).toEqual(['shard:s#0-2', 'shard:s#5', 'shard:s#7-8']);
    expect(shardSpecs('s', [])).toEqual([]);
  });
});
