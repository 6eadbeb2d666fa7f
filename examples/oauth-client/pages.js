// @ts-check
// The application's pages: small, self-contained HTML with every value escaped.

/** @param {unknown} value */
export function escapeHtml(value) {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/**
 * @param {string} title
 * @param {string} body HTML, already escaped
 */
export function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Example file lister</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1d2430; }
  h1 { font-size: 1.6rem; }
  .button { display: inline-block; padding: .55rem 1rem; border-radius: .4rem; background: #2f5bd3; color: #fff; text-decoration: none; border: 0; font: inherit; cursor: pointer; }
  .button.quiet { background: #e8ecf4; color: #1d2430; }
  .note { color: #5b6475; }
  .denied { border-left: 4px solid #c2412d; padding: .5rem 1rem; background: #fbeeeb; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6ee; }
  code { overflow-wrap: anywhere; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}

export function homePage() {
  return page(
    'Connect your vault',
    `<h1>Example file lister</h1>
<p>This application lists the files in your Privicore vault. It sees their names, folders and
sizes, never their contents: those stay encrypted.</p>
<p><a class="button" href="/connect" data-testid="connect">Connect your Privicore vault</a></p>`,
  );
}

/** @param {string} link the privicore://oauth/authorize link */
export function connectPage(link) {
  return page(
    'Give access',
    `<h1>Give access in Privicore Vault</h1>
<p>Privicore Vault opens and asks whether you allow this application to read your files' list.
Whatever you answer, your browser comes back here.</p>
<p><a class="button" href="${escapeHtml(link)}" data-testid="consent-link">Open Privicore Vault</a></p>
<p class="note">The link, if your browser does not open the app:<br><code>${escapeHtml(link)}</code></p>`,
  );
}

export function deniedPage() {
  return page(
    'Access denied',
    `<h1>You did not give access</h1>
<p class="denied" data-testid="denied">You denied this application access to your vault in
Privicore Vault, so it has nothing of yours. That is fine.</p>
<p><a class="button quiet" href="/connect">Ask again</a></p>`,
  );
}

/**
 * @param {import('./privicore.js').StoredFile[]} files
 * @param {{ scope: string, expiresAt: string, notice: string | null }} session
 */
export function filesPage(files, session) {
  const rows = files
    .map(
      (file) =>
        `<tr data-testid="file"><td>${escapeHtml(file.extension ? `${file.fileName}.${file.extension}` : file.fileName)}</td><td>${escapeHtml(file.context)}</td><td>${escapeHtml(file.size)}</td></tr>`,
    )
    .join('\n');
  return page(
    'Your files',
    `<h1>Your files</h1>
${session.notice ? `<p class="note" data-testid="notice">${escapeHtml(session.notice)}</p>` : ''}
${
  files.length === 0
    ? '<p data-testid="no-files">Your vault has no files yet.</p>'
    : `<table><thead><tr><th>Name</th><th>Folder</th><th>Size (bytes)</th></tr></thead><tbody>${rows}</tbody></table>`
}
<p class="note">Access: <code data-testid="scope">${escapeHtml(session.scope)}</code>, until
<span data-testid="expires-at">${escapeHtml(session.expiresAt)}</span>.</p>
<form method="post" action="/refresh"><button class="button quiet" data-testid="refresh">Refresh the tokens now</button></form>
<form method="post" action="/disconnect"><p><button class="button quiet" data-testid="disconnect">Disconnect</button></p></form>`,
  );
}

/**
 * @param {string} title
 * @param {string} message
 */
export function problemPage(title, message) {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p data-testid="problem">${escapeHtml(message)}</p>
<p><a class="button quiet" href="/connect">Connect again</a></p>`,
  );
}
