/** A loaded model's interpolation and crop_pct from timm's results tables, fetched once from the app's assets. */
import type { ModelInfo } from '../../core/models/types';
import { needsTimmDataConfig, parseTimmDataConfigs, withTimmDataConfig, type TimmDataConfigTable } from '../../core/results/timmDataConfig';
import { DEFAULT_PREPROCESSING_SOURCE } from '../../core/models/preprocessing';

// Newest first, as the top-1 join reads them.
const FILES = ['reference/timm_results_imagenet_2025-10.csv', 'reference/timm_results_imagenet_2023.csv'];

/** By assets base URL; a failed load is forgotten so the next model tries again. */
const cache = new Map<string, Promise<TimmDataConfigTable[]>>();

function loadTables(base: string, fetchImpl: typeof fetch): Promise<TimmDataConfigTable[]> {
  const cached = cache.get(base);
  if (cached) return cached;
  const loading = Promise.all(
    FILES.map(async (rel) => {
      const res = await fetchImpl(`${base}assets/${rel}`);
      if (!res.ok) throw new Error(`assets/${rel} could not be fetched (HTTP ${res.status})`);
      return parseTimmDataConfigs(await res.text(), rel);
    }),
  ).catch((e: unknown) => {
    cache.delete(base);
    throw e;
  });
  cache.set(base, loading);
  return loading;
}

/**
 * Fills what the model leaves open from timm's table when it names a timm model. When the table
 * cannot be read the model keeps the defaults and its description says why, so the panel shows it.
 */
export async function fillTimmPreprocessing(
  info: ModelInfo,
  base: string = import.meta.env.BASE_URL ?? '/',
  fetchImpl: typeof fetch = fetch,
): Promise<ModelInfo> {
  if (!needsTimmDataConfig(info)) return info;
  try {
    return withTimmDataConfig(info, await loadTables(base, fetchImpl));
  } catch (e) {
    return { ...info, preprocessingSource: `${info.preprocessingSource ?? DEFAULT_PREPROCESSING_SOURCE}: timm's table was not readable (${(e as Error).message})` };
  }
}
