/** A minimal HTTP client for wire tests: raw fetch, no client library in the way. */
export interface WireResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export type Fields = Record<string, string | number | string[] | Record<string, string>>;

export function formBody(fields: Fields): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const item of value) params.append(`${name}[]`, item);
    else if (typeof value === 'object')
      for (const [key, item] of Object.entries(value)) params.append(`${name}[${key}]`, item);
    else params.append(name, String(value));
  }
  return params.toString();
}

async function read(response: Response): Promise<WireResponse> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}

export function wire(apiUrl: string) {
  const headersFor = (token?: string, extra: Record<string, string> = {}) => ({
    ...(token ? { 'X-DPT-AUTHORIZATION': token } : {}),
    ...extra,
  });
  return {
    apiUrl,
    async get(path: string, token?: string, extra?: Record<string, string>): Promise<WireResponse> {
      return read(await fetch(apiUrl + path, { headers: headersFor(token, extra) }));
    },
    async post(
      path: string,
      fields: Fields = {},
      token?: string,
      extra: Record<string, string> = {},
    ): Promise<WireResponse> {
      return read(
        await fetch(apiUrl + path, {
          method: 'POST',
          headers: headersFor(token, {
            'content-type': 'application/x-www-form-urlencoded',
            ...extra,
          }),
          body: formBody(fields),
        }),
      );
    },
    async postJson(path: string, body: unknown, token?: string): Promise<WireResponse> {
      return read(
        await fetch(apiUrl + path, {
          method: 'POST',
          headers: headersFor(token, { 'content-type': 'application/json' }),
          body: JSON.stringify(body),
        }),
      );
    },
    async raw(path: string, init: RequestInit & { token?: string } = {}): Promise<WireResponse> {
      const { token, headers, ...rest } = init;
      return read(
        await fetch(apiUrl + path, {
          ...rest,
          headers: { ...headersFor(token), ...(headers as Record<string, string>) },
        }),
      );
    },
  };
}

export type Wire = ReturnType<typeof wire>;
