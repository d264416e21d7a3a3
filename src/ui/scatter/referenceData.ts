/** The published layers and the timm top-1 tables, fetched once from the app's assets folder. */
import { CATALOGUE } from '../../core/models/catalogue';
import { parsePublishedTable } from '../../core/results/publishedTable';
import { join2023, lookupTop1, parseDigitized2023, parseTimmTable, type Top1Table } from '../../core/results/referenceTables';
import { ref2023Points, tablePoints, type ScatterPoint, type Top1Of } from './scatterData';

export interface ReferenceData {
  ref2025: ScatterPoint[];
  ref2023: ScatterPoint[];
  top1Of: Top1Of;
  /** Sentences about layers that could not be loaded (offline without assets, say). */
  problems: string[];
}

const FILES = {
  ref2025: 'reference/aa2025_l2fmn_per_model.csv',
  tol2023: 'reference/aa2023_fig_tolerance_digitized.csv',
  ali2023: 'reference/aa2023_fig_alignment_digitized.csv',
  timm2025: 'reference/timm_results_imagenet_2025-10.csv',
  timm2023: 'reference/timm_results_imagenet_2023.csv',
} as const;

/** Catalogue models first (their own published top-1), then timm by exact or untagged name. */
export function makeTop1Of(tables: readonly Top1Table[]): Top1Of {
  return (name) => {
    const own = CATALOGUE.find((m) => m.id === name || m.timmName === name || m.name === name);
    if (own?.top1 !== undefined) return own.top1;
    return lookupTop1(name, tables)?.top1 ?? null;
  };
}

async function text(base: string, rel: string): Promise<string> {
  const res = await fetch(`${base}assets/${rel}`);
  if (!res.ok) throw new Error(`Could not fetch assets/${rel} (HTTP ${res.status}).`);
  return res.text();
}

let cached: Promise<ReferenceData> | null = null;

export function loadReferenceData(base: string = import.meta.env.BASE_URL ?? '/'): Promise<ReferenceData> {
  cached ??= (async () => {
    const problems: string[] = [];
    const get = (rel: string) =>
      text(base, rel).catch((e: Error) => {
        problems.push(`${e.message} The layer that needs it is left out.`);
        return null;
      });
    const [r2025, tol, ali, t2025, t2023] = await Promise.all([
      get(FILES.ref2025), get(FILES.tol2023), get(FILES.ali2023), get(FILES.timm2025), get(FILES.timm2023),
    ]);
    const tables = [t2025 && parseTimmTable(t2025, FILES.timm2025), t2023 && parseTimmTable(t2023, FILES.timm2023)].filter(
      (t): t is Top1Table => !!t,
    );
    const top1Of = makeTop1Of(tables);
    const ref2025 = r2025 ? tablePoints(parsePublishedTable(r2025, FILES.ref2025).rows, 'ref2025', '2025-published', top1Of) : [];
    let ref2023: ScatterPoint[] = [];
    if (tol && ali) {
      const t = parseDigitized2023(tol, FILES.tol2023, 'tolerance');
      const a = parseDigitized2023(ali, FILES.ali2023, 'alignment');
      ref2023 = ref2023Points(join2023(t, a), t, a);
    }
    return { ref2025, ref2023, top1Of, problems };
  })();
  return cached;
}
