import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.ts';

/** Contract §1.5: the one error shape. */
export interface ErrorBody {
  status: number;
  reason: string;
  message: string;
  errors?: Record<string, string[]>;
}

interface AjvError {
  instancePath?: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: { description?: string };
}

function fieldOf(error: AjvError): string {
  if (error.keyword === 'required') return String(error.params.missingProperty);
  const path = (error.instancePath ?? '').replace(/^\//, '').split('/')[0];
  return path === '' || path === undefined ? 'body' : path;
}

function messageOf(error: AjvError): string {
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'minLength':
      return `must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'minItems':
      return `must have at least ${String(p.limit)} items`;
    case 'maxProperties':
      return `must have at most ${String(p.limit)} fields`;
    case 'type':
      return p.type === 'integer'
        ? 'must be an integer'
        : `must be ${p.type === 'object' || p.type === 'array' ? 'an' : 'a'} ${String(p.type)}`;
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
    case 'format':
      return error.parentSchema?.description ?? 'has an invalid format';
    default:
      return error.message ?? 'is invalid';
  }
}

export function validationErrors(errors: AjvError[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const field = fieldOf(error);
    const message = messageOf(error);
    const list = (out[field] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return out;
}

export function toErrorBody(error: unknown): { body: ErrorBody; headers?: Record<string, string> } {
  if (error instanceof DomainError) {
    return {
      body: {
        status: error.status,
        reason: error.reason,
        message: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
      },
      ...(error.headers ? { headers: error.headers } : {}),
    };
  }
  const fastifyError = error as FastifyError & { validation?: AjvError[] };
  if (fastifyError.validation) {
    return {
      body: {
        status: 422,
        reason: 'validation.failed',
        message: 'The request has invalid fields.',
        errors: validationErrors(fastifyError.validation),
      },
    };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        body: {
          status: 413,
          reason: 'request.too_large',
          message: 'The request body is larger than 4 MiB.',
        },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        body: {
          status: 400,
          reason: 'request.malformed',
          message: 'The request body could not be read: unsupported content type or length.',
        },
      };
    default:
      break;
  }
  const status = fastifyError.statusCode;
  if (status === 413)
    return {
      body: { status: 413, reason: 'request.too_large', message: 'The request body is too large.' },
    };
  if (status !== undefined && status >= 400 && status < 500) {
    return {
      body: {
        status: 400,
        reason: 'request.malformed',
        message: 'The request is malformed and could not be read.',
      },
    };
  }
  return {
    body: {
      status: 500,
      reason: 'server.error',
      message: 'The engine failed to handle the request.',
    },
  };
}

export function sendError(
  reply: FastifyReply,
  error: unknown,
  request?: FastifyRequest,
): FastifyReply {
  const { body, headers } = toErrorBody(error);
  if (body.status === 500) request?.log.error({ err: error }, 'request failed');
  if (headers) void reply.headers(headers);
  return reply.code(body.status).type('application/json; charset=utf-8').send(body);
}
