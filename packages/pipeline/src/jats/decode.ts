/**
 * Bytes → string honouring a BOM or the XML declaration's encoding (UTF-8 when neither says otherwise).
 * Undecodable bytes become U+FFFD; the parser then decides whether the result is still XML.
 */
export function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  const label = declared && !/^utf-?16/i.test(declared) ? declared : 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    // An encoding name TextDecoder does not know.
    return new TextDecoder('utf-8').decode(bytes);
  }
}
