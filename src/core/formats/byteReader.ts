/**
 * Pulls exact byte counts out of a ReadableStream without holding more than the bytes asked for
 * plus one chunk, so multi-GB files pass through in constant memory.
 */
export class ByteReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private done = false;
  /** Bytes handed out so far: the file offset of the next read. */
  offset = 0;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Exactly n bytes, or fewer only at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    while (this.buffered < n && !this.done) {
      const { value, done } = await this.reader.read();
      if (done) this.done = true;
      else if (value.length > 0) {
        this.chunks.push(value);
        this.buffered += value.length;
      }
    }
    const take = Math.min(n, this.buffered);
    const out = this.take(take);
    this.offset += take;
    return out;
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      // Zero-copy when one chunk covers the request.
      const out = first.subarray(0, n);
      this.consume(n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      const part = Math.min(chunk.length, n - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      this.consume(part);
    }
    return out;
  }

  private consume(n: number): void {
    this.buffered -= n;
    if (n === this.chunks[0].length) this.chunks.shift();
    else this.chunks[0] = this.chunks[0].subarray(n);
  }
}
