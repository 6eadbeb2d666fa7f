// This computer's IPv4 addresses on its local networks, for an engine other computers reach
// (the built-in engine opened to the network listens on 0.0.0.0, every IPv4 interface, which is
// what home networks use; IPv6 is left out rather than listed where nothing answers). Loopback
// and internal interfaces are left out too: no other computer reaches them.

import { networkInterfaces } from 'node:os';

export function localNetworkAddresses(): string[] {
  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (!entry.internal && entry.family === 'IPv4') found.push(entry.address);
    }
  }
  return [...new Set(found)];
}

/** An address as a URL's host: IPv6 in brackets. */
export function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
