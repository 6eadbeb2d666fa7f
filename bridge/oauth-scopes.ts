// Contract §1.4 scopes and their plain words: one list for the CLI, main and the window (every
// consent prompt and the register form show these words).

export const OAUTH_SCOPES = [
  'all',
  'data-token:read',
  'data-token:write',
  'device:read',
  'device:write',
  'storage:read',
  'storage:write',
  'profile:read',
] as const;
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

export function isOAuthScope(value: string): value is OAuthScope {
  return (OAUTH_SCOPES as readonly string[]).includes(value);
}

export const SCOPE_WORDS: Readonly<Record<OAuthScope, string>> = {
  all: 'Everything your account can do: your files, devices, storage and settings',
  'data-token:read':
    "Read your files' list (names, folders, sizes) and download them — still encrypted; only your devices hold the key",
  'data-token:write': 'Add files to your vault, rename, move and delete them',
  'device:read': 'See the devices of your account',
  'device:write': 'Add, approve, rename and remove devices of your account',
  'storage:read': 'See your storage devices and how full they are',
  'storage:write': 'Add, synchronise and remove storage devices',
  'profile:read': 'See your account id and its public key',
};
