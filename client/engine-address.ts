// Which engine addresses a client talks to (DESIGN "Reach"): a remote engine over https only,
// since passwords and tokens cross the connection; plain http only to this machine's loopback,
// where nothing crosses a network. A LAN test setup can opt in to http explicitly
// (the CLI's --insecure-http), and is warned.

const LOOPBACK_NAMES = new Set(['localhost', '[::1]', '::1']);

/** Whether a host name is this machine's loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (LOOPBACK_NAMES.has(host) || host.endsWith('.localhost')) return true;
  const octets = host.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
  );
}

/** https anywhere, http only on loopback (or when `allowInsecureHttp`). */
export function isAllowedEngineUrl(
  apiUrl: string,
  options: { allowInsecureHttp?: boolean } = {},
): boolean {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return options.allowInsecureHttp === true || isLoopbackHost(url.hostname);
}
