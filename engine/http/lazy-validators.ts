import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

// Fastify compiles every route's JSON schemas with Ajv before it listens: over a hundred
// validators, a third of the embedded engine's start (a CLI `ls` starts one) for routes most runs
// never call. This compiles each one the first time its route is asked for instead, with
// Fastify's own compiler and options, so what a request is checked against is unchanged.

type ValidatorFactory = ReturnType<typeof AjvCompiler>;
type RouteValidator = ((data: unknown) => unknown) & { errors?: unknown };

const fastifyDefault: ValidatorFactory = AjvCompiler();

export const lazyValidators: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator: (externalSchemas, ajvOptions) => {
      const compile = fastifyDefault(externalSchemas as never, ajvOptions as never);
      // Typed as Ajv's own function, which a wrapper is not; Fastify only calls it and reads errors.
      return ((route: unknown) => {
        let compiled: RouteValidator | undefined;
        const validate: RouteValidator = (data) => {
          compiled ??= compile(route as never) as RouteValidator;
          const result = compiled(data);
          // Fastify reads a failed validation's details from the function it was given.
          validate.errors = compiled.errors;
          return result;
        };
        return validate;
      }) as never;
    },
  },
};
