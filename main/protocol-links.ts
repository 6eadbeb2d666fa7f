// privicore:// links (consent requests from OAuth applications) reaching the running app.
//
// The app holds the single-instance lock, so a link opened while it runs reaches this instance:
// on Windows and Linux the OS starts a second instance whose argv carries the link, and Electron
// hands that argv to us in `second-instance`; on macOS the link arrives as `open-url`, possibly
// before the app is ready. A cold start on Windows and Linux carries it in our own argv. Links
// are untrusted: this module only finds them; VaultApp.openLink parses and checks them.

export const LINK_SCHEME = 'privicore';
/** Longer arguments are not read as links (parseConsentLink refuses them anyway). */
const MAX_LINK_LENGTH = 4096;

/** The parts of Electron's `app` this uses; tests pass a stand-in with the same shape. */
export interface ProtocolApp {
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  on(
    event: 'second-instance',
    listener: (event: unknown, argv: string[], workingDirectory: string) => void,
  ): unknown;
  on(
    event: 'open-url',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
}

export interface ProtocolLinksOptions {
  /** This process's arguments (a cold start on Windows and Linux carries the link). */
  argv: readonly string[];
  /** Electron's `process.defaultApp`: run as `electron main.js`, so the OS must start it so too. */
  defaultApp: boolean;
  execPath: string;
  /** Brings the window forward (the person clicked a link meant for it). */
  show(): void;
}

/** The privicore:// link among a process's arguments, if any. */
export function linkFromArgv(argv: readonly string[]): string | undefined {
  return argv.find(
    (arg) =>
      typeof arg === 'string' &&
      arg.length <= MAX_LINK_LENGTH &&
      arg.toLowerCase().startsWith(`${LINK_SCHEME}://`),
  );
}

export interface ProtocolLinks {
  /** The app is ready: links that came early, and those to come, go to `open`. */
  deliverTo(open: (link: string) => void): void;
}

/**
 * Registers the scheme with the OS and listens for links. Call it right after taking the
 * single-instance lock: macOS may send `open-url` before `ready`.
 */
export function installProtocolLinks(
  app: ProtocolApp,
  options: ProtocolLinksOptions,
): ProtocolLinks {
  // In development (`electron .`) the OS must start Electron with the app's path, or the link
  // would open a bare Electron.
  if (options.defaultApp && options.argv[1])
    app.setAsDefaultProtocolClient(LINK_SCHEME, options.execPath, [options.argv[1]]);
  else app.setAsDefaultProtocolClient(LINK_SCHEME);

  const early: string[] = [];
  let open: ((link: string) => void) | undefined;
  const arrive = (link: string | undefined) => {
    if (link === undefined) return;
    if (open) open(link);
    else early.push(link);
  };

  app.on('second-instance', (_event, argv) => {
    options.show();
    arrive(linkFromArgv(argv));
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    options.show();
    arrive(linkFromArgv([url]));
  });
  arrive(linkFromArgv(options.argv.slice(1)));

  return {
    deliverTo(handler) {
      open = handler;
      for (const link of early.splice(0)) handler(link);
    },
  };
}
