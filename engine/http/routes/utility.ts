import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import { commandStatus } from '../../domain/command-status.ts';
import { route } from '../route.ts';

const STATUS_WORDS = { 1: 'started', 2: 'succeeded', 3: 'rejected' } as const;

export function registerUtilityRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route(app, ctx, 'utility.health', {
    handler: async () => ({ status: 'ok', version: '1.0.0' }),
  });

  route(app, ctx, 'utility.request-status', {
    handler: async ({ params, reply }) => {
      const command = await commandStatus(ctx, params.commandId ?? '');
      void reply.header('X-DPT-COMMAND-STATUS', String(command.status));
      if (command.reason) void reply.header('X-DPT-CAB-REASON', command.reason);
      // A bare JSON string; fastify would send a returned string as text/plain.
      return reply
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(STATUS_WORDS[command.status]));
    },
  });
}
