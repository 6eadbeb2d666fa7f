import type { LeaseRepo, NodeRepo, SettingRepo } from './cluster-store.ts';
import { all, type Sql } from './postgres-sql.ts';
import { toNode } from './sqlite-cluster-repos.ts';

function nodes(sql: Sql): NodeRepo {
  return {
    register: async (n) =>
      void (await sql.changes(
        'INSERT INTO nodes (incarnation, node_id, started_at, seen_at) VALUES ($1, $2, $3, $4)',
        [n.incarnation, n.nodeId, n.startedAt, n.seenAt],
      )),
    beat: async (incarnation, at) =>
      (await sql.changes('UPDATE nodes SET seen_at = $1 WHERE incarnation = $2', [
        at,
        incarnation,
      ])) === 1,
    leave: async (incarnation) =>
      void (await sql.changes('DELETE FROM nodes WHERE incarnation = $1', [incarnation])),
    reap: (before, nodeId, keep) =>
      all(
        sql,
        toNode,
        `DELETE FROM nodes WHERE incarnation <> $1 AND (seen_at < $2 OR node_id = $3) RETURNING *`,
        [keep, before, nodeId],
      ).then((reaped) => reaped.sort((a, b) => a.startedAt - b.startedAt)),
    live: () =>
      all(sql, toNode, 'SELECT * FROM nodes ORDER BY started_at, incarnation COLLATE "C"'),
  };
}

function leases(sql: Sql): LeaseRepo {
  return {
    // One statement: the conflict check and the write happen under the row's lock, so of two
    // nodes asking at once exactly one gets the lease.
    take: async (name, holder, until, at) =>
      (await sql.changes(
        `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
           WHERE leases.holder = excluded.holder OR leases.until <= $4
             OR leases.holder NOT IN (SELECT incarnation FROM nodes)`,
        [name, holder, until, at],
      )) === 1,
    release: async (name, holder) =>
      void (await sql.changes('DELETE FROM leases WHERE name = $1 AND holder = $2', [
        name,
        holder,
      ])),
  };
}

function settings(sql: Sql): SettingRepo {
  const get = async (key: string) =>
    (await sql.rows('SELECT value FROM settings WHERE key = $1', [key]))[0]?.value as
      string | undefined;
  return {
    get,
    setIfAbsent: async (key, value) => {
      await sql.changes(
        'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [key, value],
      );
      return (await get(key))!;
    },
  };
}

export function createPostgresClusterRepos(sql: Sql): {
  nodes: NodeRepo;
  leases: LeaseRepo;
  settings: SettingRepo;
} {
  return { nodes: nodes(sql), leases: leases(sql), settings: settings(sql) };
}
