/**
 * What a batch can draw on beyond the catalogue and the samples: models opened in this browser (by
 * URL, or from files kept in IndexedDB) and ClickMe shards opened in this tab (a file, or a URL
 * read with HTTP Range requests). Shards are never stored: a resumed batch re-opens a URL shard by
 * itself and asks for a file shard again, checking its name and size.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { LazyShard } from '../../core/batch/shardRecords';
import { checkRepicked, resumeDecisions, type ResumeDecision } from '../../core/batch/resume';
import type { PlanFile } from '../../core/batch/plan';
import { FILE_MODEL_PREFIX, parseModelId, type ModelOverrides } from '../../core/models/modelId';
import { blobRange } from '../../core/formats/tfrecord';
import { indexClickmeShard, urlRange } from '../../core/formats/clickmeShardIndex';
import { decodeImageBytesInBrowser } from '../../core/image/decode';
import type { ModelSource } from '../../worker/protocol';
import { openModelFileStore, type ModelFileStore, type UserModel } from '../storage/modelFileStore';

export interface OpenShard {
  name: string;
  kind: 'file' | 'url';
  size: number;
  records: number;
}

interface SourcesState {
  userModels: Omit<UserModel, 'files'>[];
  shards: OpenShard[];
  /** Why model files are kept for this session only; null while storage works. */
  modelStorageProblem: string | null;
  /** Files a resumed batch waits for (re-pick or missing). */
  waiting: ResumeDecision[];
}

export const sourcesStore = createStore<SourcesState>()(() => ({ userModels: [], shards: [], modelStorageProblem: null, waiting: [] }));

export function useSources<T>(selector: (s: SourcesState) => T): T {
  return useStore(sourcesStore, selector);
}

let modelStore: Promise<ModelFileStore> | null = null;
const models = () => (modelStore ??= openModelFileStore());
const shards = new Map<string, { shard: LazyShard; info: OpenShard; blob?: Blob }>();

export async function refreshUserModels(): Promise<void> {
  const list = await (await models()).list();
  sourcesStore.setState({ userModels: list.map(({ files: _files, ...m }) => m) });
}

async function remember(model: UserModel): Promise<void> {
  const problem = await (await models()).save(model);
  if (problem) sourcesStore.setState({ modelStorageProblem: problem });
  await refreshUserModels();
}

/** Called when a model from a URL opened: its id (URL + #fragment) joins the batch's model list. */
export function rememberUrlModel(id: string): Promise<void> {
  return remember({ id, kind: 'url', name: parseModelId(id).kind === 'url' ? id.split('#')[0].split('/').pop() || id : id, size: 0, savedAt: Date.now() });
}

/** Called when a model from files opened: the files are kept as Blobs with what the user stated. */
export function rememberFileModel(files: File[], overrides: ModelOverrides | undefined): Promise<void> {
  const main = mainFile(files);
  return remember({
    id: `${FILE_MODEL_PREFIX}${main.name}`,
    kind: 'file',
    name: main.name,
    size: files.reduce((s, f) => s + f.size, 0),
    files: files.map((f) => ({ name: f.name, blob: f })),
    overrides,
    savedAt: Date.now(),
  });
}

/** The file a model is named by: model.json among its weights, else the one model file. */
function mainFile(files: File[]): File {
  return files.find((f) => /\.(json|tflite|h5|hdf5|keras|onnx)$/i.test(f.name)) ?? files[0];
}

/** Model id → what the worker opens. */
export async function resolveModel(modelId: string): Promise<ModelSource> {
  const ref = parseModelId(modelId);
  if (ref.kind !== 'file') return ref;
  const stored = await (await models()).get(modelId);
  if (!stored?.files) throw new Error(`The model file "${ref.name}" is not stored in this browser; open it again in the model panel.`);
  return { kind: 'files', files: stored.files.map((f) => ({ name: f.name, bytes: f.blob })), overrides: stored.overrides };
}

function register(name: string, kind: 'file' | 'url', size: number, shard: LazyShard, records: number, blob?: Blob): OpenShard {
  const info = { name, kind, size, records };
  shards.set(name, { shard, info, blob });
  sourcesStore.setState((s) => ({ shards: [...s.shards.filter((x) => x.name !== name), info] }));
  return info;
}

/** Opens a shard file; a resumed batch waiting for it gets it if name and size match. */
export async function openShardFile(file: File): Promise<OpenShard> {
  const waiting = sourcesStore.getState().waiting.find((d) => d.file.kind === 'shard' && d.file.name === file.name);
  if (waiting) {
    const problem = checkRepicked(waiting.file, file);
    if (problem) throw new Error(problem);
  }
  const shard = new LazyShard(file.name, blobRange(file), decodeImageBytesInBrowser);
  const info = register(file.name, 'file', file.size, shard, await shard.count(), file);
  sourcesStore.setState((s) => ({ waiting: s.waiting.filter((d) => d.file.id !== file.name) }));
  return info;
}

/** Opens a shard by URL; the server must answer HTTP Range requests (records are read one by one). */
export async function openShardUrl(url: string, options: { count?: boolean } = {}): Promise<OpenShard> {
  const shard = new LazyShard(url, urlRange(url, (...a: Parameters<typeof fetch>) => fetch(...a)), decodeImageBytesInBrowser);
  // Counting walks every record header (one Range request each): only when the records are listed.
  return register(url, 'url', -1, shard, options.count === false ? -1 : await shard.count());
}

/** The open shard of that name; a URL shard is re-opened by itself (after a reload). */
export async function shardFor(name: string, options: { count?: boolean } = { count: false }): Promise<LazyShard> {
  const open = shards.get(name);
  if (open) return open.shard;
  if (/^https?:\/\//i.test(name)) {
    await openShardUrl(name, options);
    return shards.get(name)!.shard;
  }
  throw new Error(`The ClickMe shard "${name}" is not open in this tab; open the file again to run its records.`);
}

/** Records of an open shard whose label is one of `classes`; reads every record's label once (not its pictures). */
export async function shardRecordsOfClasses(name: string, classes: ReadonlySet<number>): Promise<number[]> {
  const open = shards.get(name);
  if (!open) throw new Error(`The ClickMe shard "${name}" is not open.`);
  const index = await indexClickmeShard(open.blob ?? name, { decoder: decodeImageBytesInBrowser, name });
  return index.entries.filter((e) => classes.has(e.label)).map((e) => e.index);
}

/** The files a plan names (model files with their size, file shards with theirs), for a later resume. */
export function planFiles(modelIds: readonly string[], shardNames: readonly string[]): PlanFile[] {
  const { userModels } = sourcesStore.getState();
  const files: PlanFile[] = [];
  for (const id of modelIds) {
    if (!id.startsWith(FILE_MODEL_PREFIX)) continue;
    const m = userModels.find((u) => u.id === id);
    files.push({ id, kind: 'model', name: id.slice(FILE_MODEL_PREFIX.length), size: m?.size ?? -1, ...(m?.overrides ? { overrides: m.overrides } : {}) });
  }
  for (const name of shardNames) {
    const s = shards.get(name);
    if (s && s.info.kind === 'file') files.push({ id: name, kind: 'shard', name, size: s.info.size });
  }
  return files;
}

/** Which of a plan's files this tab has (stored models, open shards) and which the user must give again. */
export async function checkPlanFiles(files: readonly PlanFile[]): Promise<ResumeDecision[]> {
  const store = await models();
  const available = new Set<string>();
  for (const f of files) {
    if (f.kind === 'shard' ? shards.has(f.id) : (await store.get(f.id))?.files) available.add(f.id);
  }
  return resumeDecisions(files, { available });
}
