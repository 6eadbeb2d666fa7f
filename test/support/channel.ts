import WebSocket from 'ws';

export interface ChannelFrame {
  correlationId?: unknown;
  status?: number;
  data?: Record<string, unknown>;
}

/** A raw WebSocket channel client for wire tests: records every frame it receives. */
export class TestChannel {
  readonly frames: ChannelFrame[] = [];
  private waiters: {
    predicate: (frame: ChannelFrame) => boolean;
    resolve: (frame: ChannelFrame) => void;
  }[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as ChannelFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.predicate(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  static async open(wsUrl: string): Promise<TestChannel> {
    const ws = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new TestChannel(ws);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or future) that matches. */
  waitFor(predicate: (frame: ChannelFrame) => boolean, timeoutMs = 10_000): Promise<ChannelFrame> {
    const seen = this.frames.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching channel frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  async request(action: string, data: Record<string, unknown>): Promise<ChannelFrame> {
    const correlationId = `c-${Math.random().toString(36).slice(2)}`;
    this.send({ action, data: { ...data, correlationId } });
    return this.waitFor((frame) => frame.correlationId === correlationId);
  }

  async join(token: string): Promise<ChannelFrame> {
    return this.request('joinChannel', { authorizationToken: token });
  }

  /** The final X-DPT-CAB-ID message of a command. */
  commandOutcome(commandId: string, timeoutMs?: number): Promise<ChannelFrame> {
    return this.waitFor(
      (frame) =>
        frame.data?.type === 'X-DPT-CAB-ID' &&
        frame.data.id === commandId &&
        frame.data.command_status !== 1,
      timeoutMs,
    );
  }

  close(): void {
    this.ws.close();
  }
}
