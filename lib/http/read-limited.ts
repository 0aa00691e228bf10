/**
 * Reads a body stream up to `limit` bytes and stops there (cancelling the rest), so a large or
 * endless body is never held in memory whole. `truncated` says the limit was reached.
 */
export async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (!body) return { bytes: Buffer.alloc(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(value);
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}
