import { z } from 'zod';
import type { CommandArgs, CommandName, CommandResult, Result } from '../../../shared/api';
import { EngineError } from '../core/engine-error';
import { commandSchemas } from './command-schemas';

/** Who is calling: the audit log records it (`operator` for the console, `api` for the REST API). */
export interface CallContext {
  actor: string;
}

export const OPERATOR: CallContext = { actor: 'operator' };

export type CommandHandlers = { [K in CommandName]: (args: CommandArgs<K>, ctx: CallContext) => CommandResult<K> | Promise<CommandResult<K>> };

/**
 * Routes an untrusted (name, args) pair to a typed handler and always answers with a Result:
 * unknown names, bad arguments, expected failures and bugs all come back as data.
 */
export function createCommandRouter(handlers: CommandHandlers, onBug: (err: unknown) => void) {
  return async function route(name: unknown, args: unknown, ctx: CallContext = OPERATOR): Promise<Result<unknown>> {
    if (typeof name !== 'string' || !Object.hasOwn(commandSchemas, name)) {
      return {
        ok: false,
        error: { code: 'unknown_command', message: `unknown command ${JSON.stringify(name)}; known: ${Object.keys(commandSchemas).join(', ')}` },
      };
    }
    const command = name as CommandName;
    const parsed = commandSchemas[command].safeParse(args ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'bad_request', message: `${command}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}` } };
    }
    try {
      const handler = handlers[command] as (a: unknown, c: CallContext) => unknown;
      return { ok: true, value: await handler(parsed.data, ctx) };
    } catch (err) {
      if (err instanceof EngineError) return { ok: false, error: err.toApiError() };
      onBug(err);
      return { ok: false, error: { code: 'internal', message: `${command} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` } };
    }
  };
}
