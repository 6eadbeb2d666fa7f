/** Contract §1.1 CORS: on every response, raw-socket answers included. */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'X-DPT-CAB-ID, X-DPT-CAB-REQUEST-ID, X-DPT-COMMAND-STATUS, X-DPT-CAB-REASON, ETag, Content-Range, Content-Length, Retry-After',
} as const;
