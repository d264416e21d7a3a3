import { describe, expect, it } from 'vitest';
import { readStartParams, writeStartParams } from './urlParams';

describe('readStartParams', () => {
  it('reads model, image and backend', () => {
    expect(readStartParams('?model=mobilenet_v1_0.25_224&image=serre-lab_0&backend=WASM')).toEqual({
      model: 'mobilenet_v1_0.25_224',
      image: 'serre-lab_0',
      backend: 'wasm',
    });
  });

  it('ignores empty values and flags an unknown backend instead of using it', () => {
    expect(readStartParams('?model=&backend=cuda')).toEqual({ badBackend: 'cuda' });
    expect(readStartParams('')).toEqual({});
  });
});

describe('writeStartParams', () => {
  it('sets and removes only its own keys, keeping the others (attack, steps, run…)', () => {
    expect(writeStartParams('?attack=fmn&model=a', { model: 'b', image: 'x' })).toBe('?attack=fmn&model=b&image=x');
    expect(writeStartParams('?model=a', { model: null })).toBe('');
  });
});
