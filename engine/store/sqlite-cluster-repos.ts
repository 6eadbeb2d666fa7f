import type Database from 'better-sqlite3';
import type { LeaseRepo, NodeRecord, NodeRepo, SettingRepo } from './cluster-store.ts';
import type { Row } from './sqlite-row.ts';
import type { Sync } from './store.ts';

export const toNode = (row: Row): NodeRecord => ({
  incarnation: row.incarnation as string,
  nodeId: row.node_id as string,
  startedAt: row.started_at as number,
  seenAt: row.seen_at as number,
});

function nodes(db: Database.Database): Sync<NodeRepo> {
  const insert = db.prepare(
    'INSERT INTO nodes (incarnation, node_id, started_at, seen_at) VALUES (?, ?, ?, ?)',
  );
  const beat = db.prepare('UPDATE nodes SET seen_at = ? WHERE incarnation = ?');
  const leave = db.prepare('DELETE FROM nodes WHERE incarnation = ?');
  const over = db.prepare(
    'SELECT * FROM nodes WHERE incarnation <> ? AND (seen_at < ? OR node_id = ?) ORDER BY started_at',
  );
  const live = db.prepare('SELECT * FROM nodes ORDER BY started_at, incarnation');
  return {
    register: (n) => void insert.run(n.incarnation, n.nodeId, n.startedAt, n.seenAt),
    beat: (incarnation, at) => beat.run(at, incarnation).changes === 1,
    leave: (incarnation) => void leave.run(incarnation),
    reap: (before, nodeId, keep) =>
      (over.all(keep, before, nodeId) as Row[]).map((row) => {
        leave.run(row.incarnation);
        return toNode(row);
      }),
    live: () => (live.all() as Row[]).map(toNode),
  };
}

function leases(db: Database.Database): Sync<LeaseRepo> {
  const take = db.prepare(
    `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
       WHERE leases.holder = excluded.holder OR leases.until <= ?
         OR leases.holder NOT IN (SELECT incarnation FROM nodes)`,
  );
  const release = db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?');
  return {
    take: (name, holder, until, at) => take.run(name, holder, until, at).changes === 1,
    release: (name, holder) => void release.run(name, holder),
  };
}

function settings(db: Database.Database): Sync<SettingRepo> {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?');
  const insert = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  return {
    get: (key) => (get.get(key) as Row | undefined)?.value as string | undefined,
    setIfAbsent: (key, value) => {
      insert.run(key, value);
      return (get.get(key) as Row).value as string;
    },
  };
}

export function createSqliteClusterRepos(db: Database.Database): {
  nodes: Sync<NodeRepo>;
  leases: Sync<LeaseRepo>;
  settings: Sync<SettingRepo>;
} {
  return { nodes: nodes(db), leases: leases(db), settings: settings(db) };
}
