/**
 * The bytes of a base64 `data:` URL as a Blob (the clipboard image main sends). Decoded here,
 * not fetched: the page's CSP allows no fetches at all.
 */
export function dataUrlToBlob(dataUrl: string): Blob | null {
  const match = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/s.exec(dataUrl);
  if (!match) return null;
  let binary: string;
  try {
    binary = atob(match[3]!.replace(/\s+/g, ''));
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: match[1] || 'application/octet-stream' });
}
