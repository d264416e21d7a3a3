export { crc32c, maskedCrc32c } from './crc32c';
export {
  readTfRecords,
  readTfRecordAt,
  blobRange,
  TfRecordError,
  type TfRecord,
  type TfRecordReadOptions,
  type TfRecordSource,
  type ReadRange,
} from './tfrecord';
export { encodeTfRecords } from './tfrecordWriter';
export { parseExample, encodeExample, type Feature, type Features } from './example';
export {
  readClickmeShard,
  parseClickmeExample,
  decodeClickmeRecord,
  type ClickmeRecordRaw,
  type ClickmeSample,
  type ClickmeShardOptions,
} from './clickmeShard';
export {
  indexClickmeShard,
  type ClickmeShardIndex,
  type ClickmeShardEntry,
  type IndexClickmeShardOptions,
} from './clickmeShardIndex';
