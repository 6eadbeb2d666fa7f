// A ballot's subject (contract §11): the event id, then space-separated `key=value` pairs of the
// template's voting attributes. The engine percent-encodes whitespace and `%` inside a value so
// a pair never splits. A standalone pool (voting create) carries free text instead.

export interface BallotSubject {
  /** The event id when the subject is an event's, else null (free text). */
  eventId: string | null;
  attributes: Record<string, string>;
  /** The subject as sent. */
  text: string;
}

/** What the ballot asks, in plain words, with the facts that go with it. */
export interface BallotDescription {
  title: string;
  facts: { label: string; value: string }[];
}

const EVENT = /^[a-z_]+\.[a-z_]+$/;
const PAIR = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/s;

export function parseBallotSubject(subject: string): BallotSubject {
  const [first = '', ...rest] = subject.split(' ');
  const attributes: Record<string, string> = {};
  if (!EVENT.test(first)) return { eventId: null, attributes, text: subject };
  for (const part of rest) {
    const match = PAIR.exec(part);
    if (!match) return { eventId: null, attributes: {}, text: subject };
    attributes[match[1]!] = decode(match[2]!);
  }
  return { eventId: first, attributes, text: subject };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function formatSize(text: string | undefined): string | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return text;
  const bytes = Number(text);
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Contract §11 events, in words. */
export function describeBallot(subject: BallotSubject): BallotDescription {
  const a = subject.attributes;
  const facts: { label: string; value: string }[] = [];
  const fact = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') facts.push({ label, value });
  };
  let title: string;
  switch (subject.eventId) {
    case 'data_token.exchanged':
      title = `Upload a file into ${a['context'] ?? 'the vault'}`;
      fact('Folder', a['context']);
      fact('Size', formatSize(a['size']));
      break;
    case 'data_token.requested':
      title = `Download ${a['fileName'] ? `“${a['fileName']}”` : 'a file'}`;
      fact('File', a['fileName']);
      fact('Folder', a['context']);
      fact('Size', formatSize(a['size']));
      break;
    case 'data_token.deleted':
      title = `Delete ${a['fileName'] ? `“${a['fileName']}”` : 'a file'}`;
      fact('File', a['fileName']);
      fact('Folder', a['context']);
      fact('Size', formatSize(a['size']));
      break;
    case 'device.approval_requested':
      title = `Let the device “${a['deviceName'] ?? 'unnamed'}” join`;
      fact('Device', a['deviceName']);
      fact('Device id', a['deviceIdentifier']);
      break;
    case 'storage.registered':
      title = `Make “${a['deviceName'] ?? 'a device'}” a storage device`;
      fact('Device', a['deviceName']);
      fact('Device id', a['deviceIdentifier']);
      break;
    case 'profile.password_changed':
      title = 'Change the account password';
      fact('Account', a['username']);
      break;
    case 'oauth.application_registered':
      title = `Register the application “${a['applicationName'] ?? 'unnamed'}”`;
      fact('Application', a['applicationName']);
      break;
    default:
      title = subject.text;
      for (const [key, value] of Object.entries(a)) fact(key, value);
  }
  return { title, facts };
}
