import { describe, expect, it } from 'vitest';
import type { OpenedRun } from '../state/runStore';
import { DEFAULT_RUN_DEFINITION, parseRunUrl, runDefinitionToSearch, type RunDefinition } from './runDefinition';
import { shareLink } from './shareLink';

const HERE = 'https://alignscope.example/app/';
const stored: RunDefinition = { ...DEFAULT_RUN_DEFINITION, imageId: 'serre-lab_0', modelId: 'mobilenet_v1_0.25_224', steps: 40 };
const session = { imageId: 'coffee', modelId: 'mobilenet_v1_0.75_224', ownModel: false, forcedBackend: null };
const params = (url: string) => new URL(url).searchParams;

function openedFrom(def: RunDefinition, url = `https://elsewhere.example/?${runDefinitionToSearch(def, true)}`): OpenedRun {
  return { fileName: 'run.json', url, createdAt: '2026-12-01T00:00:00Z', userAgent: 'x', definition: def };
}

describe('shareLink', () => {
  it('a run made here: the session’s current image, model and backend, the stored settings', () => {
    const { url, caveat } = shareLink(stored, null, { ...session, forcedBackend: 'wasm' }, HERE);
    expect(url.startsWith(HERE + '?')).toBe(true);
    const q = params(url);
    expect([q.get('image'), q.get('model'), q.get('backend'), q.get('steps')]).toEqual(['coffee', 'mobilenet_v1_0.75_224', 'wasm', '40']);
    expect(caveat).toBeNull();
  });

  it('a run opened from a file: the file’s own image, model and settings, on this page, without auto-run', () => {
    const fileDef: RunDefinition = { ...stored, imageId: 'serre-lab_7', modelId: 'mobilenet_v1_0.25_224', backend: 'webgl', steps: 250, seed: 3 };
    const { url } = shareLink(stored, openedFrom(fileDef), session, HERE);
    expect(url.startsWith(HERE + '?')).toBe(true);
    const parsed = parseRunUrl(new URL(url).search);
    expect(parsed.problems).toEqual([]);
    expect(parsed.autoRun).toBe(false);
    expect(parsed.definition).toEqual(fileDef);
  });

  it('an opened file with a broken URL falls back to its definition', () => {
    const fileDef: RunDefinition = { ...stored, imageId: 'serre-lab_2', steps: 12 };
    const { url } = shareLink(stored, openedFrom(fileDef, 'not a url'), session, HERE);
    expect(parseRunUrl(new URL(url).search).definition).toEqual(fileDef);
  });

  it('says what the link cannot carry: an uploaded image, the user’s own model', () => {
    const own = shareLink(stored, null, { ...session, imageId: 'upload:cat.png', modelId: null, ownModel: true }, HERE);
    expect(params(own.url).get('model')).toBeNull();
    expect(own.caveat).toBe('The link holds the settings but not the uploaded image or your own model: whoever opens it must load the same files.');
    const image = shareLink(stored, null, { ...session, imageId: 'upload:cat.png' }, HERE);
    expect(image.caveat).toMatch(/not the uploaded image: whoever opens it must load the same file\.$/);
  });
});
