// A first password for an account an organisation creates (directory create-user): shown once
// to the person who made the account, handed over, and changed by its owner after the first
// sign-in. Four groups of five from an alphabet without look-alikes (no 0/O, 1/l/I), so it can
// be read aloud or typed from a note: 20 characters from 31 = 99 bits.

import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function generateInitialPassword(): string {
  const groups: string[] = [];
  for (let group = 0; group < 4; group += 1) {
    let text = '';
    for (let i = 0; i < 5; i += 1) text += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(text);
  }
  return groups.join('-');
}
