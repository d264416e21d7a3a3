import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../test/backend';
import type { AttackConfig, AttackRun, DeltaImage, RunResult, StepReport } from '../core/attacks/types';
import type { StepAlignment } from '../core/metrics/stepAligner';
import { WorkerClient, WorkerRequestError, type PortLike } from './client';
import { topK, WorkerHost } from './host';
import { closeChannels, config, connect, fakeAttack, SIZE, toyClassifier } from './testing';

const N = SIZE * SIZE * 3;
afterEach(closeChannels);

const image = (value: number) => new Float32Array(N).fill(value);

beforeAll(async () => {
  await useBackend('cpu');
});

/** A connected client whose worker has a backend, the toy model "up" and a mid-grey image. */
async function connectReady() {
  const c = connect();
  await c.client.init();
  await c.client.loadModel({ kind: 'catalogue', id: 'up' });
  await c.client.setImage(image(0.5), SIZE);
  return c;
}

describe('WorkerHost over a MessageChannel', () => {
  it('initialises, loads, predicts the closed-form top-5 and leaks no tensors', async () => {
    const { client } = connect();
    const status = await client.init('cpu');
    expect(status).toMatchObject({ type: 'status', backend: 'cpu', fellBack: false });
    const before = tf.memory().numTensors;
    const loaded = await client.loadModel({ kind: 'catalogue', id: 'up' });
    expect(loaded.id).toBe('up');
    await client.setImage(image(0.5), SIZE);
    const top5 = await client.predict();
    // Σx = 6, logits_j = 6j/1000; softmax over all 1000 classes computed independently here.
    const logits = Array.from({ length: 1000 }, (_, j) => (6 * j) / 1000);
    const z = logits.reduce((s, l) => s + Math.exp(l), 0);
    expect(top5.map((p) => p.classIndex)).toEqual([999, 998, 997, 996, 995]);
    top5.forEach((p) => {
      expect(p.prob).toBeCloseTo(Math.exp(logits[p.classIndex]) / z, 6);
      expect(p.logit).toBeCloseTo(logits[p.classIndex], 5);
    });
    // model (1 ramp) + image (1 tensor) remain; nothing from predict
    expect(tf.memory().numTensors).toBe(before + 2);
  });

  it('keeps the previous model after a failed load and reports a model-load error', async () => {
    const { client } = await connectReady();
    const err = await client.loadModel({ kind: 'catalogue', id: 'broken' }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkerRequestError);
    expect(err.code).toBe('model-load');
    expect(err.message).toMatch(/not a TF.js model/);
    expect((await client.predict())[0].classIndex).toBe(999);
  });

  it('switching model changes the predictions and disposes the old model', async () => {
    const { client, models } = await connectReady();
    expect((await client.predict())[0].classIndex).toBe(999);
    await client.loadModel({ kind: 'catalogue', id: 'down' });
    expect(models.up.disposed).toBe(true);
    await client.setImage(image(0.5), SIZE);
    expect((await client.predict())[0].classIndex).toBe(0);
  });

  it('rejects bad images with clear messages and keeps the previous image', async () => {
    const { client } = await connectReady();
    await expect(client.setImage(new Float32Array(5), SIZE)).rejects.toThrow(/must be 2×2×3 float values \(12\), but 5 arrived/);
    const nan = image(0.5);
    nan[4] = NaN;
    await expect(client.setImage(nan, SIZE)).rejects.toThrow(/value NaN at index 4/);
    await expect(client.setImage(new Float32Array(27), 3)).rejects.toThrow(/takes 2×2/);
    expect((await client.predict())[0].classIndex).toBe(999);
  });

  it('explains what is missing before a model or image exists', async () => {
    const { client } = connect();
    await expect(client.loadModel({ kind: 'catalogue', id: 'up' })).rejects.toMatchObject({ code: 'no-backend' });
    await client.init();
    await expect(client.predict()).rejects.toMatchObject({ code: 'no-model' });
    await client.loadModel({ kind: 'catalogue', id: 'up' });
    await expect(client.predict()).rejects.toMatchObject({ code: 'no-image', message: /pick an image/ });
  });

  it('streams every step, then the result; transferred buffers arrive intact', async () => {
    const { client, runs } = await connectReady();
    const steps: StepReport[] = [];
    const before = tf.memory().numTensors;
    const { result } = client.startAttack(config(4), (s) => steps.push(s));
    const r = await result;
    expect(tf.memory().numTensors).toBe(before);
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3]);
    expect(steps.map((s) => s.l2)).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
    expect(Array.from(steps[2].delta.data)).toEqual(new Array(N).fill(2));
    expect(r.l2).toBeCloseTo(0.25, 10);
    expect(runs[0].disposed).toBe(true);
  });

  it('a new run cancels the old one, which rejects with code cancelled', async () => {
    const { client, runs } = await connectReady();
    const first = client.startAttack(config(1000));
    const firstOutcome = first.result.catch((e) => e);
    await new Promise((r) => setTimeout(r, 30));
    const second = client.startAttack(config(3));
    expect((await firstOutcome).code).toBe('cancelled');
    expect((await second.result).steps).toBe(3);
    expect(runs[0].disposed).toBe(true);
  });

  it('two starts in a row leave only the second running', async () => {
    const { client, runs } = await connectReady();
    const first = client.startAttack(config(1000)).result.catch((e) => e);
    const second = client.startAttack(config(2));
    expect(await first).toMatchObject({ code: 'cancelled' });
    expect((await second.result).steps).toBe(2);
    expect(runs.every((r) => r.disposed)).toBe(true);
  });

  it('pause stops the steps until resume; cancel ends the run', async () => {
    const { client } = await connectReady();
    let count = 0;
    const run = client.startAttack(config(1000), () => count++);
    const outcome = run.result.catch((e) => e);
    await new Promise((r) => setTimeout(r, 30));
    await client.pause(run.runId);
    const paused = count;
    await new Promise((r) => setTimeout(r, 60));
    expect(count - paused).toBeLessThanOrEqual(1); // a step already in flight may still land
    await client.resume(run.runId);
    await vi.waitFor(() => expect(count).toBeGreaterThan(paused + 1), { timeout: 5000 });
    await client.cancel(run.runId);
    expect(await outcome).toMatchObject({ code: 'cancelled' });
  });

  it('also lets pause in between steps where there is no setImmediate (browsers)', async () => {
    vi.stubGlobal('setImmediate', undefined);
    try {
      const { client } = await connectReady();
      let count = 0;
      const run = client.startAttack(config(1000), () => count++);
      const outcome = run.result.catch((e) => e);
      await vi.waitFor(() => expect(count).toBeGreaterThan(2));
      await client.pause(run.runId);
      const paused = count;
      await new Promise((r) => setTimeout(r, 60));
      expect(count - paused).toBeLessThanOrEqual(1);
      await client.cancel(run.runId);
      expect(await outcome).toMatchObject({ code: 'cancelled' });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a new image during a run cancels it without disposing its input under it', async () => {
    const { client } = await connectReady();
    const run = client.startAttack(config(1000));
    const outcome = run.result.catch((e) => e);
    await new Promise((r) => setTimeout(r, 20));
    await client.setImage(image(0.25), SIZE);
    expect(await outcome).toMatchObject({ code: 'cancelled' });
  });

  it('reports a lost GPU device, falls back, and keeps the model', async () => {
    const { client, loseDevice } = connect({
      initBackend: async (wanted) => ({ backend: wanted ?? 'webgpu', adapter: '', fellBack: false, reasons: [] }),
    });
    await client.init();
    await client.loadModel({ kind: 'catalogue', id: 'up' });
    const errors: WorkerRequestError[] = [];
    client.onError((e) => errors.push(e));
    const status = new Promise((resolve) => client.onStatus(resolve));
    loseDevice('test');
    expect(await status).toMatchObject({ backend: 'webgl', fellBack: true, reasons: ['The GPU device was lost: test.'] });
    expect(errors[0]).toMatchObject({ code: 'gpu-lost' });
    await client.setImage(image(0.5), SIZE);
    expect((await client.predict())[0].classIndex).toBe(999);
  });

  it('names an out-of-memory failure as such, whatever stage it hits', async () => {
    const { client } = connect({
      loadClassifier: async () => {
        throw new Error('Failed to allocate a 512 MB buffer');
      },
    });
    await client.init();
    await expect(client.loadModel({ kind: 'catalogue', id: 'up' })).rejects.toMatchObject({
      code: 'out-of-memory',
      message: 'The device ran out of memory: Failed to allocate a 512 MB buffer',
    });
  });

  it('an attack that cannot start reports code attack and keeps the session usable', async () => {
    const { client } = connect({
      createAttack: () => {
        throw new Error('The attack needs a label inside 0…999, not 1200.');
      },
    });
    await client.init();
    await client.loadModel({ kind: 'catalogue', id: 'up' });
    await client.setImage(image(0.5), SIZE);
    await expect(client.startAttack(config(3)).result).rejects.toMatchObject({ code: 'attack', message: /not 1200/ });
    expect((await client.predict())[0].classIndex).toBe(999);
  });

  it('answers an unknown request type with a bad-request error', async () => {
    const { client } = connect();
    const err = await client.request({ type: 'bogus' } as never).catch((e) => e);
    expect(err).toMatchObject({ code: 'bad-request', message: /unknown type "bogus"/ });
  });

  it('a paused run does not time out however long it stays paused', async () => {
    const channel = new MessageChannel();
    new WorkerHost(channel.port1 as unknown as PortLike, {
      initBackend: async () => ({ backend: 'cpu', adapter: '', fellBack: false, reasons: [] }),
      loadClassifier: async () => toyClassifier('up', 1),
      createAttack: (_c, x0, cfg) => fakeAttack(cfg, x0),
    });
    const client = new WorkerClient(channel.port2 as unknown as PortLike, { attackStart: 100 });
    await client.init();
    await client.loadModel({ kind: 'catalogue', id: 'up' });
    await client.setImage(image(0.5), SIZE);
    const run = client.startAttack(config(1000));
    const outcome = run.result.catch((e) => e);
    await client.pause(run.runId);
    await new Promise((r) => setTimeout(r, 300));
    await client.cancel(run.runId);
    expect(await outcome).toMatchObject({ code: 'cancelled' });
    channel.port1.close();
    channel.port2.close();
  });

  it('times out a request the worker never answers', async () => {
    const channel = new MessageChannel();
    const client = new WorkerClient(channel.port2 as unknown as PortLike, { predict: 50 });
    await expect(client.predict()).rejects.toMatchObject({ code: 'timeout', message: /did not answer the "predict" request/ });
    channel.port1.close();
    channel.port2.close();
  });
});

describe('alignment in the worker', () => {
  // A 2×2 human map, rising left to right, top to bottom.
  const humanMap = () => new Float32Array([0, 0.2, 0.5, 1]);
  const delta = (perPixel: number[], width = SIZE, height = SIZE): DeltaImage => ({
    data: Float32Array.from(perPixel.flatMap((v) => [v, v, v])),
    width,
    height,
    channels: 3,
    full: width === SIZE,
  });
  // Both attack maps equal |δ| per pixel: a rising δ ranks like the map (ρ = 1), a falling one
  // reverses it (ρ = −1), and a 1×1 preview does not line up with it at all (null).
  const rising = () => delta([0.01, 0.02, 0.03, 0.04]);
  const falling = () => delta([0.04, 0.03, 0.02, 0.01]);
  const preview = () => delta([0.05], 1, 1);

  /** A run that reports the given δs as its steps, then `best` as its best δ. */
  function scripted(cfg: AttackConfig, deltas: DeltaImage[], best: DeltaImage | null): AttackRun {
    let k = 0;
    return {
      config: cfg,
      get done() {
        return k >= deltas.length;
      },
      async step(): Promise<StepReport> {
        const d = deltas[k];
        return {
          step: k++, totalSteps: deltas.length, l2: 1, linf: 0.1, loss: 0, margin: 1, isAdversarial: true,
          predicted: 3, bestL2: 1, gradEvals: k, top5: [], delta: d,
        };
      },
      async result(): Promise<RunResult> {
        return { attack: cfg.attack, readout: cfg.readout, label: 999, success: best !== null, bestDelta: best, l2: 1, linf: 0.1,
          advClass: 3, advImagenetClass: 3, gradEvals: k, steps: k, wallMs: 1 };
      },
      dispose() {},
    };
  }

  async function ready(deltas: () => DeltaImage[], best: () => DeltaImage | null) {
    const c = connect({ createAttack: (_c, _x0, cfg) => scripted(cfg, deltas(), best()) });
    await c.client.init();
    await c.client.loadModel({ kind: 'catalogue', id: 'up' });
    await c.client.setImage(image(0.5), SIZE);
    return c.client;
  }

  it('sends each step with its alignment and the result with the best δ\'s', async () => {
    const client = await ready(() => [rising(), falling(), preview(), delta([0, 0, 0, 0])], rising);
    const map = humanMap();
    const got: StepAlignment[] = [];
    const run = client.startAttack(config(4), (_r, a) => got.push(a), map);
    // Transferred, not copied: the sender's array is detached.
    expect(map.length).toBe(0);
    await run.result;
    expect(got[0].mean).toBeCloseTo(1, 12);
    expect(got[0].max).toBeCloseTo(1, 12);
    expect(got[1].mean).toBeCloseTo(-1, 12);
    expect(got[1].max).toBeCloseTo(-1, 12);
    expect(got.slice(2)).toEqual([{ mean: null, max: null }, { mean: null, max: null }]);
    const best = await run.resultAlignment;
    expect(best!.mean).toBeCloseTo(1, 12);
    expect(best!.max).toBeCloseTo(1, 12);
  });

  it('without step reports posts only each step\'s progress, and still aligns the best δ', async () => {
    const client = await ready(() => [rising(), falling(), preview(), delta([0, 0, 0, 0])], rising);
    const interim: unknown[] = [];
    const response = await client.request({ type: 'attackStart', config: config(4), humanMap: humanMap(), stepReports: false }, (r) =>
      interim.push(r.type === 'progress' ? r.fraction : r.type),
    );
    expect(interim).toEqual([0.25, 0.5, 0.75, 1]);
    expect(response.type).toBe('result');
    const { alignment } = response as Extract<typeof response, { type: 'result' }>;
    expect(alignment!.mean).toBeCloseTo(1, 12);
  });

  it('sends nulls without a human map, and no best alignment without a best δ', async () => {
    const client = await ready(() => [rising()], () => null);
    const got: StepAlignment[] = [];
    const run = client.startAttack(config(1), (_r, a) => got.push(a));
    expect((await run.result).bestDelta).toBeNull();
    expect(got).toEqual([{ mean: null, max: null }]);
    expect(await run.resultAlignment).toBeNull();
  });

  it('refuses a human map of another size than the image', async () => {
    const client = await ready(() => [rising()], rising);
    const run = client.startAttack(config(1), undefined, new Float32Array(9));
    await expect(run.result).rejects.toMatchObject({ code: 'bad-request', message: 'The human map must be 2×2 values, but 9 arrived.' });
    await expect(run.resultAlignment).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('aligns a list of δs beside a running attack, which goes on undisturbed', async () => {
    const { client, runs } = await connectReady();
    const steps: number[] = [];
    const run = client.startAttack(config(50), (r) => steps.push(r.step));
    await vi.waitFor(() => expect(steps.length).toBeGreaterThan(0));
    const deltas = [rising(), falling(), preview()];
    const sent = deltas.map((d) => d.data);
    const alignments = await client.align(humanMap(), deltas);
    // Answered mid-run (50 steps take at least 250 ms), not queued behind it.
    expect(steps.length).toBeLessThan(50);
    expect(sent.every((d) => d.length === 0)).toBe(true); // transferred
    expect(alignments).toHaveLength(3);
    expect(alignments[0].mean).toBeCloseTo(1, 12);
    expect(alignments[0].max).toBeCloseTo(1, 12);
    expect(alignments[1].mean).toBeCloseTo(-1, 12);
    expect(alignments[1].max).toBeCloseTo(-1, 12);
    expect(alignments[2]).toEqual({ mean: null, max: null });
    expect((await run.result).steps).toBe(50);
    expect(steps).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(runs).toHaveLength(1);
  });
});

describe('topK', () => {
  it('orders by probability and keeps the logits alongside', () => {
    expect(topK([0.1, 0.5, 0.2, 0.2], [1, 5, 2, 3], 2)).toEqual([
      { classIndex: 1, prob: 0.5, logit: 5 },
      { classIndex: 2, prob: 0.2, logit: 2 },
    ]);
  });
});
