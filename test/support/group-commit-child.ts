// A process that writes one group-committed batch and then waits to be killed, for
// test/engine/group-commit-crash.test.ts:
//   node --import tsx test/support/group-commit-child.ts DATA_DIR hold|ack ID...
// Every write is issued in the same tick, so they all join one batch (engine/store/group-commit.ts).
// `hold`: the batch's last section makes its write, reports how many of the batch's rows it can
// see inside the transaction ("inside N") and never returns, so the batch never commits.
// `ack`: prints "acked" once every write has been acknowledged.
import { openSqliteStore } from '../../engine/store/sqlite.ts';
import type { CommandRecord } from '../../engine/store/store.ts';

const [dataDir, mode, ...ids] = process.argv.slice(2);
if (!dataDir || (mode !== 'hold' && mode !== 'ack') || ids.length < 2)
  throw new Error('usage: group-commit-child.ts DATA_DIR hold|ack ID ID...');

const store = openSqliteStore(dataDir);
const row = (id: string): CommandRecord => ({
  id,
  kind: 'group-commit.test',
  profileId: null,
  status: 1,
  reason: null,
  payload: { id },
  createdAt: Date.now(),
  completedAt: null,
});
// Kept alive until the test kills it.
setInterval(() => undefined, 60_000);

const last = ids.pop()!;
const writes = ids.map((id) => store.commands.insert(row(id)));
writes.push(
  store.atomic(async (tx) => {
    await tx.commands.insert(row(last));
    if (mode === 'ack') return;
    let seen = 0;
    for (const id of [...ids, last]) if (await tx.commands.byId(id)) seen++;
    process.stdout.write(`inside ${seen}\n`);
    await new Promise<never>(() => undefined);
  }),
);
if (mode === 'ack') {
  await Promise.all(writes);
  process.stdout.write('acked\n');
}
