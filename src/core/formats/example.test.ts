import { describe, expect, it } from 'vitest';
import { encodeExample, parseExample } from './example';
import { TfRecordError } from './tfrecord';

describe('tf.train.Example', () => {
  it('decodes bytes, floats and int64s, matching the wire format built by hand', () => {
    // Example{features{feature{"n": Feature{int64_list{value: [300]}}}}}, bytes written out from the proto spec:
    // 0x0a len Features; 0x0a len map entry; 0x0a 1 'n'; 0x12 len Feature; 0x1a len Int64List;
    // 0x0a 3 packed varints: ac 02 = 300, 00 = 0.
    const handMade = Uint8Array.of(0x0a, 0x0e, 0x0a, 0x0c, 0x0a, 0x01, 0x6e, 0x12, 0x07, 0x1a, 0x05, 0x0a, 0x03, 0xac, 0x02, 0x00);
    expect(parseExample(handMade).get('n')).toEqual({ kind: 'int64', value: [300, 0] });
  });

  it('round-trips every feature kind', () => {
    const bytes = encodeExample({
      image: { kind: 'bytes', value: [Uint8Array.of(1, 2, 3)] },
      scores: { kind: 'float', value: [0.5, -2] },
      label: { kind: 'int64', value: [999] },
    });
    const f = parseExample(bytes);
    expect(Array.from((f.get('image')!.value as Uint8Array[])[0])).toEqual([1, 2, 3]);
    expect(f.get('scores')).toEqual({ kind: 'float', value: [0.5, -2] });
    expect(f.get('label')).toEqual({ kind: 'int64', value: [999] });
  });

  it('rejects bytes that are not a protocol buffer, naming the record', () => {
    expect(() => parseExample(Uint8Array.of(0x0a, 0x50, 1), 'record 4 of "x.tfrecords"')).toThrow(TfRecordError);
    expect(() => parseExample(Uint8Array.of(0x0a, 0x50, 1), 'record 4 of "x.tfrecords"')).toThrow(
      /^Record 4 of "x.tfrecords" is not a valid tf.train.Example protocol buffer/,
    );
  });
});
