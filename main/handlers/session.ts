import type { HandlerTable } from '../../bridge/vault-api.ts';
import type { VaultApp } from '../vault-app.ts';

export function sessionHandlers(
  app: VaultApp,
): Pick<
  HandlerTable,
  'session:get' | 'session:useEngine' | 'session:signUp' | 'session:signIn' | 'session:signOut'
> {
  return {
    'session:get': async () => {
      // The first call waits for the engine and a restored session, so the app never flashes
      // the sign-in screen at a user who is still signed in.
      await app.ready;
      return app.sessionState();
    },
    'session:useEngine': (choice) => app.useEngine(choice),
    'session:signUp': ({ username, password }) => app.signUp(username, password),
    'session:signIn': ({ username, password }) => app.signIn(username, password),
    'session:signOut': () => app.signOut(),
  };
}
