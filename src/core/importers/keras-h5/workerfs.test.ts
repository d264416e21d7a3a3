import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { fixtureWeights, functionalConfig, seeded, type LayerSpec } from './kerasFixtures';
import { kerasH5Importer, openKerasH5Blob } from './kerasH5Importer';
import { writeKerasH5 } from './kerasH5Writer';

/**
 * The in-place path for large files: WORKERFS reads byte ranges of a Blob with FileReaderSync,
 * which only Web Workers have. Node stands in for the worker here: h5wasm decides it runs in a
 * worker when it is first loaded (this file runs in its own process, so that is now), and a
 * FileReaderSync stub counts every byte HDF5 asks for.
 */

class MemoryBlob {
  constructor(readonly bytes: Uint8Array) {}
  get size() {
    return this.bytes.byteLength;
  }
  slice(start = 0, end = this.size) {
    return new MemoryBlob(this.bytes.subarray(start, end));
  }
  async arrayBuffer() {
    return this.bytes.slice().buffer;
  }
}

const reads: number[] = [];
class CountingFileReaderSync {
  readAsArrayBuffer(blob: MemoryBlob) {
    reads.push(blob.size);
    return blob.bytes.slice().buffer;
  }
}

const g = globalThis as Record<string, unknown>;
g.WorkerGlobalScope ??= class {};
g.FileReaderSync ??= CountingFileReaderSync;

describe('Keras .h5 opened in place from a Blob (WORKERFS)', () => {
  beforeAll(() => useBackend('cpu'));

  it('gives the same logits as the in-memory path while never reading the file whole', async () => {
    const specs: LayerSpec[] = [
      { class_name: 'Flatten', name: 'flat' },
      { class_name: 'Dense', name: 'fc', config: { units: 512, activation: 'softmax', use_bias: true }, weights: [['kernel', [768, 512]], ['bias', [512]]] },
    ];
    const bytes = await writeKerasH5({ modelConfig: functionalConfig([16, 16, 3], specs), layers: fixtureWeights(specs, seeded(11)) });
    const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const inMemory = await kerasH5Importer.open({ name: 'fc.h5', bytes }, new Map());
    const expected = tf.tidy(() => inMemory.raw.predict(x).dataSync());
    inMemory.raw.dispose();

    reads.length = 0;
    const before = tf.memory().numTensors;
    const { raw, info } = await openKerasH5Blob(new MemoryBlob(bytes) as unknown as Blob, 'fc.h5');
    expect(info).toMatchObject({ format: 'keras-h5', numOutputs: 512, logitsLayer: 'fc' });
    const actual = tf.tidy(() => raw.predict(x).dataSync());
    expect(Array.from(actual)).toEqual(Array.from(expected));
    raw.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);

    // HDF5 asked for byte ranges (the 1.5 MB kernel the largest), each about once: never the whole file at once.
    expect(reads.length).toBeGreaterThan(3);
    expect(Math.max(...reads)).toBe(768 * 512 * 4);
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(1.1 * bytes.byteLength);
  });

  it('refuses a Blob that is not HDF5 before mounting anything', async () => {
    const blob = new MemoryBlob(new TextEncoder().encode('PK\u0003\u0004 a zip archive, as Keras 3 writes'));
    await expect(openKerasH5Blob(blob as unknown as Blob, 'model.keras')).rejects.toThrow(/"model.keras" is not an HDF5 file.*zip archive/);
  });
});
