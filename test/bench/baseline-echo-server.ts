import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

/**
 * The commands benchmark's baseline peer: a bare HTTP server answering every POST with 202,
 * and a WebSocket server echoing every frame — the least any engine could do per command.
 */
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(202, { 'content-type': 'application/json' });
    response.end('["x"]');
  });
});
const wss = new WebSocketServer({ server });
wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ event: 'ready', port: address.port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
