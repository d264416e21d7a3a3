import { useId, useMemo, useRef, useState } from 'react';
import { decodeImageBytesInBrowser } from '../../core/image/decode';
import { toRgba } from '../../core/image/types';
import { indexClickmeShard, type ClickmeShardIndex } from '../../core/formats/clickmeShardIndex';
import { squareClickmeSample } from '../../core/formats/clickmeShard';
import { canvasToPng, rgbaCanvas } from '../export/download';
import { labelOf, useLabels } from '../predictions/labels';
import { useController } from '../state/sessionContext';
import { sessionStore } from '../state/sessionStore';

/**
 * Official ClickMe data in the browser: open a TFRecord shard (file or URL), list its records by
 * label, open one as the current image with its human map. The map is blurred as in the paper
 * (256→64, Gaussian σ=10) and brought back to the record's own 256 px grid; the session then crops
 * and resizes image and map together with the model's own interpolation and crop_pct.
 */

const LIST_LIMIT = 20_000;

export function ClickmeShardPanel() {
  const session = useController();
  const labels = useLabels();
  const [shard, setShard] = useState<ClickmeShardIndex | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [opened, setOpened] = useState<number | null>(null);
  const [url, setUrl] = useState('');
  const abort = useRef<AbortController | null>(null);
  const ids = { file: useId(), url: useId(), filter: useId() };

  const list = async (source: Blob | string) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setBusy('Listing records…');
    try {
      const index = await indexClickmeShard(source, {
        decoder: decodeImageBytesInBrowser,
        limit: LIST_LIMIT,
        signal: controller.signal,
        onProgress: (n) => setBusy(`Listing records… ${n}`),
      });
      setShard(index);
      setOpened(null);
    } catch (e) {
      // The previous shard (if any) stays listed.
      sessionStore.getState().showError((e as Error).message, 'bad-request');
    } finally {
      setBusy(null);
    }
  };

  const open = async (index: number) => {
    if (!shard) return;
    setBusy(`Opening record ${index}…`);
    try {
      const sample = await shard.open(index);
      const { image, heatmap } = squareClickmeSample(sample);
      const side = image.width;
      const displayUrl = URL.createObjectURL(await canvasToPng(rgbaCanvas(toRgba(image), side, side)));
      await session.openImage({
        id: `clickme:${shard.name}#${index}`,
        name: `${labelOf(labels, sample.label)} · ClickMe record ${index}`,
        kind: 'clickme',
        displayUrl,
        image,
        ...(heatmap ? { heatmap, heatmapOrigin: 'clickme' as const } : {}),
        label: sample.label,
      });
      setOpened(index);
    } catch (e) {
      sessionStore.getState().showError((e as Error).message, 'bad-request');
    } finally {
      setBusy(null);
    }
  };

  const shown = useMemo(() => {
    if (!shard) return [];
    const f = filter.trim().toLowerCase();
    return shard.entries.filter((e) => !f || labelOf(labels, e.label).toLowerCase().includes(f) || String(e.index) === f).slice(0, 200);
  }, [shard, filter, labels]);

  return (
    <details className="clickme-shard">
      <summary>Open official ClickMe data (TFRecord shard)</summary>
      <p className="muted small">
        ClickMe shards (features <code>image</code>, <code>heatmap</code>, <code>label</code>; JPEG or float32) are read in the
        browser, record by record, so a large shard is never held in memory.
      </p>
      <div className="shard-inputs">
        <label htmlFor={ids.file} className="field">
          Shard file
          <input
            id={ids.file}
            type="file"
            data-testid="clickme-upload"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void list(file);
              e.target.value = '';
            }}
          />
        </label>
        <form
          className="url-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (url.trim()) void list(url.trim());
          }}
        >
          <label htmlFor={ids.url} className="field">
            or its URL
            <input id={ids.url} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…/val-0.tfrecords" />
          </label>
          <button type="submit" className="secondary" disabled={!url.trim()}>
            Open
          </button>
        </form>
      </div>
      {busy && (
        <p className="muted small" role="status">
          {busy}
        </p>
      )}
      {shard && (
        <div className="shard-list">
          <p className="small">
            <strong data-testid="clickme-count">{shard.entries.length}</strong> records in {shard.name}
            {shard.truncated ? ` (listing stopped at ${LIST_LIMIT})` : ''}.
          </p>
          <label htmlFor={ids.filter} className="field">
            Filter by class name
            <input id={ids.filter} value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. retriever" />
          </label>
          <ul>
            {shown.map((e) => (
              <li key={e.index}>
                <button
                  type="button"
                  className={opened === e.index ? 'record opened' : 'record'}
                  onClick={() => void open(e.index)}
                  aria-pressed={opened === e.index}
                  data-testid="clickme-record"
                >
                  #{e.index} · {labelOf(labels, e.label)}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </details>
  );
}
