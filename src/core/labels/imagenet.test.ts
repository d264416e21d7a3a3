import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath, hasAssets } from '../../test/assets';
import { LabelsError, LABELS_CORAL, LABELS_JSON, loadImageNetLabels, parseCoralLabels, parseImageNetLabels } from './imagenet';

const full = Array.from({ length: 1000 }, (_, i) => ({ index: i, wnid: `n${i}`, short: `c${i}`, name: `class ${i}` }));
const coralText = ['background', ...Array.from({ length: 1000 }, (_, i) => `c${i}, synonym ${i}`)].join('\n') + '\n';

describe('parseImageNetLabels', () => {
  it('orders classes by index', () => {
    const labels = parseImageNetLabels([...full].reverse());
    expect(labels[0]).toEqual({ index: 0, wnid: 'n0', short: 'c0', name: 'class 0' });
    expect(labels[999].short).toBe('c999');
  });
  it.each([
    ['not an array', { a: 1 }, /must hold a JSON array/],
    ['a short list', full.slice(1), /class 0 is missing/],
    ['a duplicate', [...full.slice(0, 999), full[3]], /lists class 3 twice/],
    ['a bad entry', [...full.slice(0, 999), { index: 999 }], /Entry 999 .* needs an index 0–999, a short name and a full name/],
  ])('rejects %s with a sentence naming the file', (_, json, message) => {
    expect(() => parseImageNetLabels(json, 'labels.json')).toThrow(LabelsError);
    expect(() => parseImageNetLabels(json, 'labels.json')).toThrow(message);
  });
  it.skipIf(!hasAssets)('reads the mirror list: 0 tench, 281 tabby, 967 espresso', () => {
    const labels = parseImageNetLabels(JSON.parse(fs.readFileSync(assetPath(LABELS_JSON), 'utf8')));
    expect([labels[0].short, labels[281].short, labels[967].short]).toEqual(['tench', 'tabby', 'espresso']);
    expect(labels[0].wnid).toBe('n01440764');
  });
});

describe('parseCoralLabels', () => {
  it('drops the background line so class k is line k+1', () => {
    const labels = parseCoralLabels(coralText);
    expect(labels).toHaveLength(1000);
    expect(labels[5]).toEqual({ index: 5, wnid: '', short: 'c5', name: 'c5, synonym 5' });
  });
  it('rejects a list without the background line', () => {
    expect(() => parseCoralLabels(coralText.replace('background\n', ''), 'x.txt')).toThrow(
      /"x.txt" must have 1001 lines starting with "background", but it has 1000 lines starting with "c0, synonym 0"/,
    );
  });
  it.skipIf(!hasAssets)('agrees with the WordNet list on the mirror', () => {
    const coral = parseCoralLabels(fs.readFileSync(assetPath(LABELS_CORAL), 'utf8'));
    const json = parseImageNetLabels(JSON.parse(fs.readFileSync(assetPath(LABELS_JSON), 'utf8')));
    expect(coral[967].name).toBe(json[967].name);
  });
});

describe('loadImageNetLabels', () => {
  const respond = (body: string, status = 200) => new Response(body, { status });

  it('prefers the WordNet list', async () => {
    const labels = await loadImageNetLabels({
      assetUrl: async (p) => `/assets/${p}`,
      fetchImpl: (async (url: string) => respond(url.endsWith('.json') ? JSON.stringify(full) : coralText)) as typeof fetch,
    });
    expect(labels[1].wnid).toBe('n1');
  });

  it('falls back to the official coral list when the derived list is not local', async () => {
    const labels = await loadImageNetLabels({
      assetUrl: async (p) => (p === LABELS_JSON ? null : 'https://example/labels.txt'),
      fetchImpl: (async () => respond(coralText)) as typeof fetch,
    });
    expect(labels[1]).toMatchObject({ short: 'c1', wnid: '' });
  });

  it('explains both failures when nothing loads', async () => {
    const err = await loadImageNetLabels({
      assetUrl: async (p) => (p === LABELS_JSON ? null : 'https://example/labels.txt'),
      fetchImpl: (async () => respond('', 503)) as typeof fetch,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(LabelsError);
    expect(err.message).toMatch(/no local copy \(run npm run assets\).*https:\/\/example\/labels.txt answered HTTP 503/);
  });
});
