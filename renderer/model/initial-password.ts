// A first password for an account the organisation makes, made here in the window that shows
// it once: main never sends a credential to the window (bridge/types.ts), so the window makes
// it and sends it the way a typed password goes. The same form as the CLI's
// (client/initial-password.ts): four groups of five from an alphabet without look-alikes, 99
// bits, to be read aloud or typed from a note.

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A uniform pick from the alphabet: bytes at or above the largest multiple are drawn again. */
function pick(random: (bytes: Uint8Array) => Uint8Array): string {
  const limit = 256 - (256 % ALPHABET.length);
  for (;;) {
    const [byte] = random(new Uint8Array(1));
    if (byte !== undefined && byte < limit) return ALPHABET[byte % ALPHABET.length]!;
  }
}

export function generateInitialPassword(
  random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): string {
  const groups: string[] = [];
  for (let group = 0; group < 4; group += 1) {
    let text = '';
    for (let i = 0; i < 5; i += 1) text += pick(random);
    groups.push(text);
  }
  return groups.join('-');
}
