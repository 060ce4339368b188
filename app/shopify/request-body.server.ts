/**
 * The body of a request from Shopify (a webhook delivery, an app-proxy call) as text, read to at most
 * `limit` bytes whatever Content-Length says: null when it is longer, so the caller answers 413 without
 * holding an oversized body. `label` names the caller in the log line of a failed cancel.
 */
export async function readBodyBounded(request: Request, limit: number, label: string): Promise<string | null> {
  if (Number(request.headers.get("Content-Length") ?? 0) > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader
        .cancel("body too large")
        .catch((error: unknown) => console.error(`[${label}] cancelling a large body: ${String(error)}`));
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
