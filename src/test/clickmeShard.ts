import fs from 'node:fs';
import jpeg from 'jpeg-js';
import { encodeExample } from '../core/formats/example';
import { encodeTfRecords } from '../core/formats/tfrecordWriter';
import { cropResize } from '../core/image/resize';
import { toRgba, type FloatImage } from '../core/image/types';
import { assetPath } from './assets';
import { loadImageFile } from './images';

interface IndexRow {
  id: string;
  image: string;
  heatmap: string;
  label: number;
}

export function clickmeSampleRows(): IndexRow[] {
  return JSON.parse(fs.readFileSync(assetPath('clickme-samples/index.json'), 'utf8')).samples;
}

function jpegOf(img: FloatImage, quality: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: toRgba(img), width: img.width, height: img.height }, quality).data);
}

/**
 * A ClickMe shard in the official layout, built from the mirror's samples: `image` JPEG 256×256×3,
 * `heatmap` JPEG 256×256 (gray), `label` int64; or the float32 variant (raw arrays in [0, 255]
 * as the paper's clickme_test files hold them). For tests and for e2e uploads.
 */
export function buildClickmeShard(options: { count?: number; encoding?: 'jpeg' | 'float32'; side?: number; quality?: number } = {}): Uint8Array {
  const { count = 10, encoding = 'jpeg', side = 256, quality = 95 } = options;
  const rows = clickmeSampleRows().slice(0, count);
  return encodeTfRecords(
    rows.map((row) => {
      const image = cropResize(loadImageFile(assetPath(`clickme-samples/${row.image}`)), side);
      const heatmap = cropResize(loadImageFile(assetPath(`clickme-samples/${row.heatmap}`), 1), side);
      const bytesOf = (img: FloatImage) =>
        encoding === 'jpeg' ? jpegOf(img, quality) : new Uint8Array(Float32Array.from(img.data, (v) => v * 255).buffer);
      return encodeExample({
        image: { kind: 'bytes', value: [bytesOf(image)] },
        heatmap: { kind: 'bytes', value: [bytesOf(heatmap)] },
        label: { kind: 'int64', value: [row.label] },
      });
    }),
  );
}
