import { app, session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from './security-policy.ts';

/**
 * The window's security policy in one place. The renderer is our own bundle loaded from disk:
 * it never navigates, never opens windows and never embeds web content, so all of that is
 * refused outright. Permission requests are denied except the camera, which the QR scanner
 * asks for (media, video only), and writing text to the clipboard (copy a token).
 */
export function applySessionPolicy(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
  ses.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    // Copying a token to the clipboard is the one other thing the UI does.
    if (permission === 'clipboard-sanitized-write') return callback(true);
    callback(
      permission === 'media' &&
        mediaTypes.length > 0 &&
        mediaTypes.every((type) => type === 'video'),
    );
  });
  ses.setPermissionCheckHandler(
    (_webContents, permission) =>
      permission === 'media' || permission === 'clipboard-sanitized-write',
  );
}

export function hardenContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
