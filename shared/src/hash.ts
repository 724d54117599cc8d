// Apart from the agreement's text (which needs Yjs) so that the outcome schemas and their checks
// can hash without pulling the document model into every page of the client.
const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 (hex) of the UTF-8 text, with WebCrypto: the same in Node and the browser. */
export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}
