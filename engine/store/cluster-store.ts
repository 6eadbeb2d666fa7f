/**
 * Store seam for running several engine nodes on one database (DESIGN "Scale"): which node
 * processes are alive, and leases through which exactly one of them does a piece of work that
 * must happen once (a device's reconcile, the periodic pruning). Work that belongs to a node —
 * the commands it accepted, the uploads it streams — names the node's run (its incarnation), so
 * another node can take it over once that run is gone. Times are epoch milliseconds; see
 * store.ts for the conventions.
 */

export interface NodeRecord {
  /** One run of a node process: a fresh id at every start. */
  incarnation: string;
  /** The operator's name for the node (`--node-id`), as logs show it. */
  nodeId: string;
  startedAt: number;
  /** Last heartbeat. */
  seenAt: number;
}

export interface NodeRepo {
  /** Records a run that just started. */
  register(node: NodeRecord): Promise<void>;
  /** A heartbeat; false when the run is no longer registered (another node reaped it). */
  beat(incarnation: string, at: number): Promise<boolean>;
  /** A run that stops cleanly removes itself, so its work is taken over at once. */
  leave(incarnation: string): Promise<void>;
  /**
   * Forgets runs that are over: those not seen since `before`, and earlier runs of `nodeId` (a
   * node restarted under its name). Never `keep`, the caller's own run. Returns what it forgot.
   */
  reap(before: number, nodeId: string, keep: string): Promise<NodeRecord[]>;
  /** Runs still registered, earliest start first. */
  live(): Promise<NodeRecord[]>;
}

export interface LeaseRepo {
  /**
   * Takes the lease `name` for `holder` until `until`: succeeds when it is free, has run out at
   * `at`, is held by a run no longer registered, or is the holder's own (a renewal).
   */
  take(name: string, holder: string, until: number, at: number): Promise<boolean>;
  /** Gives the lease back if `holder` has it. */
  release(name: string, holder: string): Promise<void>;
}

/** Facts every node of one engine must agree on (the fingerprint of the engine's secrets). */
export interface SettingRepo {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` unless the key has one; returns the value the key has now. */
  setIfAbsent(key: string, value: string): Promise<string>;
}
