import type { CommandGate, GateEvent } from '../commands/command-runner.ts';
import type { EngineContext } from '../context.ts';
import { newId } from '../ids.ts';
import type { PolicyRecord } from '../store/voting-store.ts';
import { policyTemplate } from './policy-templates.ts';
import { openPool, planPool, runEffects, type Effects, type PoolPlan } from './voting-pool.ts';

/**
 * Contract §11 "Gated commands": every active policy of the profile whose applyingEventIds
 * hold the event, and whose configuration matches, opens a pool; the command then waits at
 * status 1. Fewer authenticators than the quorum for any of them rejects the command with
 * `voting.no_authenticators` before any pool opens.
 */
export function createCommandGate(ctx: EngineContext): CommandGate {
  return {
    async hold(input, event, prepared, onHold) {
      // Whose policies and authenticators decide (the pools are theirs); the command, its
      // status-1 messages and its outcome stay with the caller.
      const profileId = event.governedBy ?? input.profileId!;
      const effects: Effects = [];
      const result = await ctx.store.atomic(async (tx) => {
        const policies = (await tx.policies.list(profileId, 'active')).filter((policy) =>
          applies(policy, event),
        );
        if (policies.length === 0) return { held: false as const };
        const plans: { policy: PolicyRecord; plan: PoolPlan }[] = [];
        for (const policy of policies) {
          const plan = await planPool(tx, profileId, policy.votingConfigurationId);
          if (!plan) return { held: false as const, reason: 'voting.no_authenticators' };
          plans.push({ policy, plan });
        }
        const now = ctx.now();
        await tx.holds.insert({
          commandId: input.commandId,
          profileId: input.profileId!,
          eventId: event.eventId,
          prepared: prepared ?? null,
          state: 'waiting',
          createdAt: now,
        });
        await onHold?.(tx);
        const subject = ballotSubject(event);
        const pools: { poolId: string; policyId: string }[] = [];
        for (const { policy, plan } of plans) {
          const pool = await openPool(
            tx,
            ctx,
            plan,
            {
              id: newId(),
              profileId,
              subject,
              context: event.context ?? null,
              commandId: input.commandId,
              policyId: policy.id,
            },
            now,
            effects,
          );
          pools.push({ poolId: pool.id, policyId: policy.id });
        }
        return { held: true as const, pools };
      });
      if (!result.held) return result;
      return { ...result, after: () => runEffects(ctx, effects) };
    },
  };
}

/** Whether an active policy holds this event: it names the event and its configuration matches. */
function applies(policy: PolicyRecord, event: GateEvent): boolean {
  if (!policy.eventIds.includes(event.eventId)) return false;
  const template = policyTemplate(policy.templateId);
  // Contract §11: keys the template does not list are kept but have no effect.
  if (template?.configuration.includes('contextPrefix')) {
    const prefix = policy.configuration.contextPrefix;
    if (typeof prefix === 'string' && prefix !== '') {
      // Contract §11: "only tokens whose context starts with it" — a plain prefix.
      return event.context !== undefined && event.context.startsWith(prefix);
    }
  }
  return true;
}

/**
 * Contract §11: the event id, then space-separated `key=value` pairs of the template's voting
 * attributes the operation has. The contract leaves values with spaces unsaid; so that a pair
 * never splits, whitespace, `%` and control characters in a value are percent-encoded
 * (`/My Files` → `/My%20Files`), which decodeURIComponent undoes.
 */
export function ballotSubject(event: GateEvent): string {
  return [
    event.eventId,
    ...event.attributes.map(
      ([name, value]) =>
        `${name}=${String(value).replace(/[\s%\p{Cc}]/gu, (c) => encodeURIComponent(c))}`,
    ),
  ].join(' ');
}
