import { useEffect, useState } from 'react';
import { loadImageNetLabels, type LoadLabelsOptions } from '../../core/labels/imagenet';

let cache: Promise<string[]> | null = null;

/**
 * ImageNet short class names by index (0–999), fetched once through core/labels (which falls back
 * to the official 1001-class coral list when the derived JSON is not installed).
 */
export function loadLabels(options?: LoadLabelsOptions): Promise<string[]> {
  cache ??= loadImageNetLabels(options)
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
