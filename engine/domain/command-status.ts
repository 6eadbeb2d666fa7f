import type { EngineContext } from '../context.ts';
import { isId } from '../ids.ts';
import type { CommandRecord } from '../store/store.ts';
import { notFound } from './domain-error.ts';

/** Contract §3 request-status: any command by its (unguessable) id. */
export async function commandStatus(ctx: EngineContext, commandId: string): Promise<CommandRecord> {
  if (!isId(commandId)) throw notFound.command();
  const command = await ctx.store.commands.byId(commandId);
  if (!command) throw notFound.command();
  return command;
}
