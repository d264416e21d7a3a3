import type { Dataset, Entity, File as H5File, Group } from 'h5wasm';
import { KerasH5ImportError } from './errors';

type H5wasm = typeof import('h5wasm').default;

/** The parts of Emscripten's FS that h5wasm exposes and this module uses. */
interface EmscriptenFs {
  writeFile(path: string, data: Uint8Array, opts?: { canOwn?: boolean }): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
  mkdir(path: string): void;
  rmdir(path: string): void;
  mount(type: unknown, opts: unknown, mountpoint: string): void;
  unmount(mountpoint: string): void;
  filesystems: Record<string, unknown>;
}

/** h5wasm embeds its 4 MB wasm in JavaScript: it is loaded on the first HDF5 file, not with the app. */
export async function loadH5wasm(): Promise<{ h5wasm: H5wasm; fs: EmscriptenFs }> {
  const h5wasm = (await import('h5wasm')).default;
  const module = await h5wasm.ready;
  return { h5wasm, fs: module.FS as unknown as EmscriptenFs };
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
// The superblock sits at 0 or, after a user block, at 512, 1024, 2048, ... bytes.
const SUPERBLOCK_OFFSETS = [0, 512, 1024, 2048, 4096];

export function isHdf5(head: Uint8Array): boolean {
  return SUPERBLOCK_OFFSETS.some((o) => HDF5_MAGIC.every((b, i) => head[o + i] === b));
}

/** An HDF5 file open for reading, with what must be undone to release it. */
export interface OpenH5 {
  file: H5File;
  close(): void;
}

let nextId = 0;

function openAt(h5wasm: H5wasm, path: string, fileName: string, release: () => void): OpenH5 {
  let file: H5File;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (e) {
    release();
    throw new KerasH5ImportError(`The file "${fileName}" starts like HDF5 but the HDF5 library cannot open it (truncated or damaged?).`, {
      cause: e,
    });
  }
  return {
    file,
    close() {
      file.close();
      release();
    },
  };
}

/**
 * Opens HDF5 bytes already in memory. canOwn makes Emscripten's MEMFS keep a view on the caller's
 * buffer instead of copying it, so the file is held once; HDF5 then reads datasets out of it.
 */
export async function openH5Bytes(bytes: Uint8Array, fileName: string): Promise<OpenH5> {
  const { h5wasm, fs } = await loadH5wasm();
  const path = `/alignscope-h5-${nextId++}.h5`;
  fs.writeFile(path, bytes, { canOwn: true });
  return openAt(h5wasm, path, fileName, () => fs.unlink(path));
}

/**
 * Opens a File/Blob without reading it into memory: Emscripten's WORKERFS reads the byte ranges
 * HDF5 asks for with FileReaderSync, so only the datasets being read are ever in memory. WORKERFS
 * exists only inside a Web Worker (FileReaderSync), which is where AlignScope loads models.
 */
export async function openH5Blob(blob: Blob, fileName: string): Promise<OpenH5> {
  const { h5wasm, fs } = await loadH5wasm();
  const dir = `/alignscope-blob-${nextId++}`;
  fs.mkdir(dir);
  try {
    fs.mount(fs.filesystems.WORKERFS, { blobs: [{ name: 'model.h5', data: blob }] }, dir);
  } catch (e) {
    fs.rmdir(dir);
    throw new KerasH5ImportError(
      `The file "${fileName}" cannot be opened in place: that needs a Web Worker (WORKERFS); pass its bytes instead.`,
      { cause: e },
    );
  }
  return openAt(h5wasm, `${dir}/model.h5`, fileName, () => {
    fs.unmount(dir);
    fs.rmdir(dir);
  });
}

const isGroup = (e: Entity | null): e is Group => (e as Group | null)?.type === 'Group';
const isDataset = (e: Entity | null): e is Dataset => (e as Dataset | null)?.type === 'Dataset';

export function getGroup(parent: Group, path: string): Group | undefined {
  const entity = parent.get(path);
  return isGroup(entity) ? entity : undefined;
}

export function getDataset(parent: Group, path: string): Dataset | undefined {
  const entity = parent.get(path);
  return isDataset(entity) ? entity : undefined;
}

const decoder = new TextDecoder();

function asStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value instanceof Uint8Array) return [decoder.decode(value)];
  if (Array.isArray(value)) return value.flatMap(asStrings);
  return [];
}

/** A string attribute (h5py writes both fixed-length bytes and variable-length UTF-8). */
export function readStringAttr(obj: Group, name: string): string | undefined {
  if (!(name in obj.attrs)) return undefined;
  const strings = asStrings(obj.attrs[name].value);
  return strings.length === 1 ? strings[0] : undefined;
}

/**
 * A list-of-strings attribute. Keras splits lists that would pass HDF5's 64 kB object-header
 * limit into `name0`, `name1`, ... (save_attributes_to_hdf5_group); those are joined back.
 */
export function readStringListAttr(obj: Group, name: string): string[] | undefined {
  const attrs = obj.attrs;
  if (name in attrs) return asStrings(attrs[name].value);
  if (!(`${name}0` in attrs)) return undefined;
  const out: string[] = [];
  for (let i = 0; `${name}${i}` in attrs; i++) out.push(...asStrings(attrs[`${name}${i}`].value));
  return out;
}

/** h5wasm metadata.type for floating-point data (H5T_FLOAT) and integers (H5T_INTEGER). */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
/** Datasets above this many bytes are read in slices along their first axis. */
const SLICE_BYTES = 16 << 20;

function toFloat32(values: unknown, what: string): Float32Array {
  // A scalar dataset reads as a plain number (bigint for 64-bit integers).
  if (typeof values === 'number' || typeof values === 'bigint') return Float32Array.of(Number(values));
  if (values instanceof Float32Array) return values;
  if (values instanceof Float64Array || values instanceof Int32Array || values instanceof Uint8Array) {
    return Float32Array.from(values);
  }
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    return Float32Array.from(values, (v) => Number(v));
  }
  throw new KerasH5ImportError(`${what} has a data type AlignScope cannot read as numbers.`);
}

/**
 * Reads a numeric dataset as float32. Large datasets are read slice by slice so the wasm heap
 * never holds more than SLICE_BYTES of them; `onBytes` reports progress in stored bytes.
 */
export function readFloat32(ds: Dataset, what: string, onBytes: (n: number) => void = () => {}): Float32Array {
  const meta = ds.metadata;
  if (meta.type !== H5T_FLOAT && meta.type !== H5T_INTEGER) {
    throw new KerasH5ImportError(`${what} is not numeric (HDF5 type class ${meta.type}).`);
  }
  if (meta.type === H5T_FLOAT && meta.size !== 4 && meta.size !== 8) {
    throw new KerasH5ImportError(`${what} holds ${meta.size * 8}-bit floats; AlignScope reads 32- and 64-bit floats.`);
  }
  const shape = ds.shape ?? [];
  const count = shape.reduce((a, d) => a * d, 1);
  const rows = shape[0] ?? 1;
  const rowBytes = (count / Math.max(rows, 1)) * meta.size;
  if (shape.length === 0 || count * meta.size <= SLICE_BYTES || rows < 2) {
    const out = toFloat32(ds.value, what);
    onBytes(count * meta.size);
    return out;
  }
  const out = new Float32Array(count);
  const step = Math.max(1, Math.floor(SLICE_BYTES / rowBytes));
  const rowLength = count / rows;
  for (let r = 0; r < rows; r += step) {
    const end = Math.min(rows, r + step);
    out.set(toFloat32(ds.slice([[r, end]]), what), r * rowLength);
    onBytes((end - r) * rowBytes);
  }
  return out;
}

export function datasetBytes(ds: Dataset): number {
  const shape = ds.shape ?? [];
  return shape.reduce((a, d) => a * d, 1) * ds.metadata.size;
}
