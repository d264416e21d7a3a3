import { cropResize, type CropResizeOptions } from '../image/resize';
import type { FloatImage } from '../image/types';
import { ImageSpecError, parseImageId } from './imageIds';
import type { BatchImage, ImageSource } from './runner';
import type { LazyShard } from './shardRecords';

/** How each kind of image id is loaded; a kind left out fails its jobs with a clear message. */
export interface ImageRoutes {
  sample?(id: string, size: number, crop?: CropResizeOptions): Promise<BatchImage>;
  upload?(name: string, size: number, crop?: CropResizeOptions): Promise<BatchImage>;
  /** The open shard of that name or URL (the app opens a file shard the user gave, or re-opens a URL). */
  shard?(shard: string): Promise<LazyShard>;
}

/** One ImageSource over samples, uploads and shards, picked by the image id's form. */
export function routedImageSource(routes: ImageRoutes): ImageSource {
  return {
    async load(imageId, size, crop) {
      const ref = parseImageId(imageId);
      if (ref.kind === 'sample') {
        if (!routes.sample) throw new ImageSpecError(`Sample images cannot be opened here ("${ref.id}").`);
        return routes.sample(ref.id, size, crop);
      }
      if (ref.kind === 'upload') {
        if (!routes.upload) throw new ImageSpecError(`Uploaded images cannot be opened here ("${ref.name}").`);
        return routes.upload(ref.name, size, crop);
      }
      if (!routes.shard) throw new ImageSpecError(`ClickMe shards cannot be opened here ("${ref.shard}").`);
      return (await routes.shard(ref.shard)).load(ref.index, size, crop);
    },
  };
}

/**
 * A picture and its map (null: none) at the model's size: both through the one crop and resize path
 * (METHOD §1) with the model's `crop`, so they stay aligned. The map must be ready already (a sample's,
 * an upload's, or an official map after humanMapForModel): it is not blurred here.
 */
export function batchImageOf(image: FloatImage, heatmap: FloatImage | null, label: number | null, size: number, crop?: CropResizeOptions): BatchImage {
  return { pixels: cropResize(image, size, crop).data, heatmap: heatmap && cropResize(heatmap, size, crop), label };
}
