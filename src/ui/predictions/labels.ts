import { useEffect, useState } from 'react';

let cache: Promise<string[]> | null = null;

/** ImageNet short class names by index (0–999), fetched once from the assets. */
export function loadLabels(fetchImpl: typeof fetch = fetch): Promise<string[]> {
  cache ??= fetchImpl(`${import.meta.env.BASE_URL ?? '/'}assets/labels/imagenet1000_index_wnid_names.json`)
    .then((r) => {
      if (!r.ok) throw new Error(`The ImageNet label list could not be loaded (HTTP ${r.status}).`);
      return r.json() as Promise<{ index: number; short: string }[]>;
    })
    .then((rows) => {
      const names: string[] = [];
      for (const row of rows) names[row.index] = row.short;
      return names;
    })
    .catch((e) => {
      cache = null;
      throw e;
    });
  return cache;
}

/** The label list, or null until it has arrived (components show "class 123" meanwhile). */
export function useLabels(): string[] | null {
  const [labels, setLabels] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    loadLabels().then((l) => live && setLabels(l), () => {});
    return () => {
      live = false;
    };
  }, []);
  return labels;
}

export function labelOf(labels: string[] | null, index: number): string {
  return labels?.[index] ?? `class ${index}`;
}
