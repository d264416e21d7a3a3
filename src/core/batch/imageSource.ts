import { ImageSpecError, parseImageId } from './imageIds';
import type { BatchImage, ImageSource } from './runner';
import type { LazyShard } from './shardRecords';

/** How each kind of image id is loaded; a kind left out fails its jobs with a clear message. */
export interface ImageRoutes {
  sample?(id: string, size: number): Promise<BatchImage>;
  upload?(name: string, size: number): Promise<BatchImage>;
  /** The open shard of that name or URL (the app opens a file shard the user gave, or re-opens a URL). */
  shard?(shard: string): Promise<LazyShard>;
}

/** One ImageSource over samples, uploads and shards, picked by the image id's form. */
export function routedImageSource(routes: ImageRoutes): ImageSource {
  return {
    async load(imageId, size) {
      const ref = parseImageId(imageId);
      if (ref.kind === 'sample') {
        if (!routes.sample) throw new ImageSpecError(`Sample images cannot be opened here ("${ref.id}").`);
        return routes.sample(ref.id, size);
      }
      if (ref.kind === 'upload') {
        if (!routes.upload) throw new ImageSpecError(`Uploaded images cannot be opened here ("${ref.name}").`);
        return routes.upload(ref.name, size);
      }
      if (!routes.shard) throw new ImageSpecError(`ClickMe shards cannot be opened here ("${ref.shard}").`);
      return (await routes.shard(ref.shard)).load(ref.index, size);
    },
  };
}
