import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import { generateSignedKeyPair } from '../../crypto/signed-key.ts';
import { registerPublicKey, retrievePublicKey } from '../../domain/public-key.ts';
import { accepted, route } from '../route.ts';

export function registerPublicKeyRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route(app, ctx, 'public-key.generate-keys', {
    handler: async () => generateSignedKeyPair(),
  });

  route<{ publicKey: string }>(app, ctx, 'public-key.register-public-key', {
    fields: { publicKey: { type: 'string', minLength: 1, maxLength: 1000 } },
    handler: async ({ input, caller, reply }) =>
      accepted(reply, await registerPublicKey(ctx, caller, input.publicKey)),
  });

  route(app, ctx, 'public-key.retrieve-public-key', {
    handler: async ({ caller }) => retrievePublicKey(caller),
  });

  route(app, ctx, 'public-key.retrieve-engine-public-key', {
    handler: async () => ({ publicKey: ctx.secrets.signedKey.public }),
  });
}
