import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../context.ts';
import {
  authenticate,
  changePassword,
  generateQrToken,
  reauthorize,
  registerProfile,
  revoke,
  revokeOtherTokens,
} from '../../domain/profile.ts';
import { isoSeconds } from '../../time.ts';
import { integer, password, text, username } from '../field-schemas.ts';
import { accepted, route } from '../route.ts';

export function registerProfileRoutes(app: FastifyInstance, ctx: EngineContext): void {
  route<{ username: string; password: string }>(app, ctx, 'profile.register-profile', {
    fields: { username, password },
    handler: async ({ input, reply, request }) =>
      accepted(reply, await registerProfile(ctx, input.username, input.password, request.ip)),
  });

  route<{ username: string; password: string }>(app, ctx, 'profile.authenticate', {
    fields: { username: text(1, 254), password: text(1, 1024) },
    handler: async ({ input, request }) => {
      const issued = await authenticate(ctx, input.username, input.password, request.ip);
      return {
        authorizationToken: issued.authorizationToken,
        expiresAt: isoSeconds(issued.expiresAt),
      };
    },
  });

  route(app, ctx, 'profile.retrieve-profile-id', {
    handler: async ({ caller }) => ({ profileId: caller.profile.id }),
  });

  route<{ currentPassword: string; newPassword: string }>(app, ctx, 'profile.change-password', {
    fields: { currentPassword: text(1, 1024), newPassword: password },
    handler: async ({ input, caller, reply, request }) =>
      accepted(
        reply,
        await changePassword(ctx, caller, input.currentPassword, input.newPassword, request.ip),
      ),
  });

  route(app, ctx, 'profile.generate-token-qr', {
    handler: async ({ caller }) => {
      const qr = await generateQrToken(ctx, caller);
      return { qrToken: qr.qrToken, expiresAt: isoSeconds(qr.expiresAt), qrPayload: qr.qrPayload };
    },
  });

  route<{ ttl?: number }>(app, ctx, 'profile.reauthorize-authorization-token', {
    fields: { ttl: integer(60, 2_592_000) },
    handler: async ({ input, caller }) => {
      const issued = await reauthorize(ctx, caller, input.ttl);
      return {
        authorizationToken: issued.authorizationToken,
        expiresAt: isoSeconds(issued.expiresAt),
      };
    },
  });

  route(app, ctx, 'profile.revoke-authorization-token', {
    handler: async ({ caller }) => {
      await revoke(ctx, caller);
      return { revoked: true };
    },
  });

  route(app, ctx, 'profile.revoke-other-authorization-tokens', {
    handler: async ({ caller }) => ({ revoked: await revokeOtherTokens(ctx, caller) }),
  });

  route(app, ctx, 'profile.authorization-token-expiry', {
    handler: async ({ caller }) => ({ expiresAt: isoSeconds(caller.token.expiresAt) }),
  });
}
