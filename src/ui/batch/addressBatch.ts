import { expandImageSpecs, parseImageSpec } from '../../core/batch/imageIds';
import type { BatchParams } from './batchUrl';
import type { BatchRequest } from './batchController';
import { shardFor, sourcesStore } from './batchSources';

/**
 * Turns a batch address into a request: sample specs against the gallery, URL shards opened (and
 * their records counted) here; a shard given by file name must be open in this tab already.
 */
export async function requestFromAddress(params: BatchParams, sampleIds: readonly string[]): Promise<BatchRequest> {
  const specs = params.images.map(parseImageSpec);
  const images = await expandImageSpecs(specs, {
    sampleIds,
    shardRecords: async (shard) => {
      const open = sourcesStore.getState().shards.find((s) => s.name === shard);
      if (open && open.records >= 0) return open.records;
      if (open || /^https?:\/\//i.test(shard)) return (await shardFor(shard)).count();
      throw new Error(`The address names the shard file "${shard}", which is not open in this tab; open it below, or give the shard by URL.`);
    },
    // A URL shard with a record range is checked up to its last record only, not walked whole.
    shardHas: async (shard, index) => (await shardFor(shard, { count: false })).has(index),
  });
  return {
    models: params.models,
    images,
    imageSpecs: params.images,
    protocol: params.protocol,
    steps: params.steps,
    attack: params.attack,
    fromAddress: true,
  };
}
