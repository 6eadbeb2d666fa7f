// Waits for a voting pool to end: POOL-RESOLVED on the session's channel is the signal, and the
// pool's record (check-pool-status) is the answer — the message may have been lost in a
// reconnect, so the pool is looked at again on every (re)join and once at the start.

import { checkPoolStatus, type PoolRecord } from './endpoints/voting.ts';
import type { VaultSession } from './session.ts';

export function awaitPoolResolution(
  session: Pick<VaultSession, 'http' | 'channel'>,
  poolId: string,
  options: { signal?: AbortSignal } = {},
): Promise<PoolRecord> {
  return new Promise<PoolRecord>((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      offResolved();
      offState();
      options.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const look = () => {
      checkPoolStatus(session.http, poolId).then(
        (pool) => {
          if (pool.status !== 'pending') finish(() => resolve(pool));
        },
        (error: unknown) => finish(() => reject(error as Error)),
      );
    };
    const onAbort = () => finish(() => reject(new Error('Stopped waiting for the vote.')));
    const offResolved = session.channel.on('pool-resolved', (event) => {
      if (event.poolId === poolId) look();
    });
    const offState = session.channel.on('state', (state) => {
      if (state === 'joined') look();
    });
    options.signal?.addEventListener('abort', onAbort);
    look();
  });
}
