// Text shown to a person that neither the CLI nor the app wrote itself — file, device,
// application and organisation names, messages from the engine — may hold characters that act
// instead of showing. In a terminal, an escape sequence in an application's name could move the
// cursor up and erase the scope list above the consent question, and a carriage return in a
// device's name could write over the line that asks for its code. On screen too, a right-to-left
// override makes "photo\u202Egnp.exe" read as "photoexe.png". So such text is shown with those
// characters as escapes (`\n`, `\e`, `\u202e`), never acted on: every human line the CLI prints
// (cli/output.ts), and the names the app's approval and file screens show. --json output keeps the
// exact text (JSON escapes control characters itself).

// eslint-disable-next-line no-control-regex -- control characters are exactly what this escapes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\x1b': '\\e',
};

/** `text` with every control and bidirectional-formatting character written as an escape. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const named = NAMED[char];
    if (named) return named;
    const code = char.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
