import { describe, expect, it } from 'vitest';
import { installProtocolLinks, linkFromArgv } from '../../../main/protocol-links.ts';
import { FakeElectronApp } from '../../support/electron-app-seam.ts';

const LINK = 'privicore://oauth/authorize?client_id=c&nonce=n-12345678&scope[]=all&redirect_uri=x';

function install(argv: string[], options: { defaultApp?: boolean } = {}) {
  const electron = new FakeElectronApp();
  let shown = 0;
  const links = installProtocolLinks(electron.asProtocolApp(), {
    argv,
    defaultApp: options.defaultApp ?? false,
    execPath: '/opt/electron',
    show: () => (shown += 1),
  });
  const opened: string[] = [];
  return { electron, links, opened, shown: () => shown };
}

describe('privicore:// links', () => {
  it('registers the scheme (with the app path in development)', () => {
    expect(install(['/opt/privicore-vault']).electron.registered).toEqual([['privicore']]);
    expect(
      install(['/opt/electron', '/src/out/main/index.mjs'], { defaultApp: true }).electron
        .registered,
    ).toEqual([['privicore', '/opt/electron', ['/src/out/main/index.mjs']]]);
  });

  it('hands a second instance’s link to the running app and brings its window forward', () => {
    const { electron, links, opened, shown } = install(['/opt/privicore-vault']);
    links.deliverTo((link) => opened.push(link));
    electron.emit('second-instance', {}, ['/opt/privicore-vault', '--no-sandbox', LINK], '/home');
    electron.emit('second-instance', {}, ['/opt/privicore-vault'], '/home');
    expect(opened).toEqual([LINK]);
    expect(shown()).toBe(2);
  });

  it('takes macOS open-url (even before ready) and a cold start’s own argv', () => {
    const { electron, links, opened } = install(['/opt/privicore-vault', LINK]);
    let prevented = false;
    electron.emit('open-url', { preventDefault: () => (prevented = true) }, `${LINK}&second=1`);
    expect(opened).toEqual([]);
    links.deliverTo((link) => opened.push(link));
    expect(prevented).toBe(true);
    expect(opened).toEqual([LINK, `${LINK}&second=1`]);
  });

  it('reads only privicore:// arguments of sane length', () => {
    expect(linkFromArgv(['--flag', 'https://evil.example', 'PRIVICORE://oauth/authorize?x'])).toBe(
      'PRIVICORE://oauth/authorize?x',
    );
    expect(linkFromArgv([`privicore://${'a'.repeat(5000)}`])).toBeUndefined();
    expect(linkFromArgv(['privicorex://oauth'])).toBeUndefined();
  });
});
