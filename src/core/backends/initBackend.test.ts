import { describe, expect, it } from 'vitest';
import { describeAdapter, initBackend, onGpuDeviceLost, type BackendDriver, type BackendName } from './initBackend';

/** A driver where only the listed backends start; records the order tried. */
function stubDriver(working: BackendName[], opts: { lies?: BackendName; throws?: BackendName } = {}) {
  const tried: BackendName[] = [];
  let current: string | undefined;
  const driver: BackendDriver = {
    setBackend: async (name) => {
      tried.push(name);
      if (name === opts.throws) throw new Error('adapter request rejected');
      // Like tfjs: a failed start still leaves the name set, so only getBackend() plus ok tell the truth.
      if (name === opts.lies) return true;
      current = name;
      return working.includes(name);
    },
    getBackend: () => current,
    describeGpuAdapter: async () => 'swiftshader (software)',
  };
  return { driver, tried };
}

describe('initBackend', () => {
  it('starts webgpu first and names its adapter', async () => {
    const { driver, tried } = stubDriver(['webgpu', 'webgl', 'wasm', 'cpu']);
    const status = await initBackend(undefined, driver);
    expect(tried).toEqual(['webgpu']);
    expect(status).toEqual({
      name: 'webgpu',
      adapterDescription: 'swiftshader (software)',
      requested: 'webgpu',
      fellBack: false,
      reasons: [],
    });
  });

  it('falls back in the order webgpu → webgl → wasm → cpu and says why each failed', async () => {
    const { driver, tried } = stubDriver(['cpu'], { throws: 'webgl' });
    const status = await initBackend(undefined, driver);
    expect(tried).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(status.name).toBe('cpu');
    expect(status.fellBack).toBe(true);
    expect(status.adapterDescription).toBe('');
    expect(status.reasons).toHaveLength(3);
    expect(status.reasons[0]).toMatch(/^The webgpu backend could not be used: it did not start/);
    expect(status.reasons[1]).toMatch(/webgl .*adapter request rejected/);
  });

  it('tries a forced backend first, then the rest in order', async () => {
    const { driver, tried } = stubDriver(['webgl'], {});
    const status = await initBackend('wasm', driver);
    expect(tried).toEqual(['wasm', 'webgpu', 'webgl']);
    expect(status).toMatchObject({ name: 'webgl', requested: 'wasm', fellBack: true });
  });

  it('does not trust setBackend alone: a true with another backend running counts as a failure', async () => {
    const { driver } = stubDriver(['wasm'], { lies: 'webgpu' });
    const status = await initBackend(undefined, driver);
    expect(status.name).toBe('wasm');
    expect(status.reasons[0]).toBe('The webgpu backend could not be used: tfjs reported success but runs "nothing".');
  });

  it('throws a sentence listing every reason when nothing starts', async () => {
    const { driver } = stubDriver([]);
    await expect(initBackend(undefined, driver)).rejects.toThrow(/No TensorFlow.js backend could start.*cpu backend could not be used/);
  });
});

describe('describeAdapter', () => {
  it('prefers the description, else the architecture, else the vendor, and marks software adapters', () => {
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })).toBe(
      'swiftshader (software)',
    );
    expect(describeAdapter({ vendor: 'nvidia', architecture: '' })).toBe('nvidia');
    expect(describeAdapter({ description: 'NVIDIA RTX 4090', vendor: 'nvidia' })).toBe('NVIDIA RTX 4090');
    expect(describeAdapter({}, true)).toBe('unknown adapter (software)');
  });
});

describe('onGpuDeviceLost', () => {
  it('is a no-op off webgpu (Node runs cpu or wasm)', () => {
    let called = false;
    const stop = onGpuDeviceLost(() => (called = true));
    stop();
    expect(called).toBe(false);
  });
});
