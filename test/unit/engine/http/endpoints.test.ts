import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  endpoints,
  parseEndpointLine,
  type Endpoint,
  type EndpointParam,
} from '../../../../engine/http/endpoints.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** The contract's endpoint list as transcribed by test/vectors/make-contract-endpoints.py. */
interface ContractEndpoint extends Omit<Endpoint, 'projectExtension' | 'params'> {
  params: Omit<EndpointParam, 'projectExtension'>[];
}
const contract = (
  JSON.parse(readFileSync(join(ROOT, 'test/vectors/contract-endpoints.json'), 'utf8')) as {
    endpoints: ContractEndpoint[];
  }
).endpoints;

/** The table's entry as the contract states it: the project's own additions taken out. */
function asContract(e: Endpoint): ContractEndpoint {
  return {
    id: e.id,
    area: e.area,
    method: e.method,
    path: e.path,
    aliases: e.aliases.map((a) => ({ method: a.method, path: a.path })),
    auth: e.auth,
    kind: e.kind,
    body: e.body,
    params: e.params
      .filter((p) => !p.projectExtension)
      .map((p) => ({ name: p.name, in: p.in, type: p.type, required: p.required })),
    success: e.success,
    extension: e.extension,
  };
}

const table = new Map(endpoints.map((e) => [e.id, e]));

describe('the endpoint table against the contract', () => {
  it('holds every endpoint of the contract once', () => {
    expect(contract.length).toBeGreaterThan(0);
    expect(new Set(endpoints.map((e) => e.id)).size).toBe(endpoints.length);
    expect(contract.map((c) => c.id).filter((id) => !table.has(id))).toEqual([]);
  });

  it.each(contract.map((c) => ({ id: c.id, c })))(
    '$id matches the contract, apart from what the table marks as its own',
    ({ c }) => {
      expect(asContract(table.get(c.id)!)).toEqual(c);
    },
  );

  it('marks every endpoint and parameter the contract lacks, and nothing it has', () => {
    const inContract = new Map(contract.map((c) => [c.id, c]));
    for (const e of endpoints) {
      const known = inContract.get(e.id);
      expect(e.projectExtension, `${e.id} is marked + exactly when the contract lacks it`).toBe(
        known === undefined,
      );
      for (const p of e.params) {
        const listed = known?.params.some((c) => c.name === p.name && c.in === p.in) ?? false;
        expect(p.projectExtension, `${e.id} ${p.in} ${p.name}`).toBe(!listed);
      }
    }
  });

  it('documents every extension of its own in the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('## Extensions to the contract')[1]?.split('\n## ')[0] ?? '';
    expect(section).not.toBe('');
    const own = endpoints.flatMap((e) => [
      ...(e.projectExtension ? [e.path] : []),
      // An endpoint of its own is documented with its parameters; a contract endpoint's extra
      // parameter is named on its own.
      ...(e.projectExtension ? [] : e.params.filter((p) => p.projectExtension)).map(
        (p) => `${e.path}?${p.name}=`,
      ),
    ]);
    expect(own.length).toBeGreaterThan(0);
    for (const mention of own) expect(section, mention).toContain(mention);
  });
});

describe('parseEndpointLine', () => {
  it('reads every part of a line', () => {
    expect(
      parseEndpointLine(
        'data-token.download GET /downstream query-auth stream none 200 (extension) query: auth +from?:integer header: Range? alias: POST /down',
      ),
    ).toEqual({
      id: 'data-token.download',
      area: 'data-token',
      method: 'GET',
      path: '/downstream',
      aliases: [{ method: 'POST', path: '/down' }],
      auth: 'query-auth',
      kind: 'stream',
      body: 'none',
      params: [
        { name: 'auth', in: 'query', type: 'string', required: true, projectExtension: false },
        { name: 'from', in: 'query', type: 'integer', required: false, projectExtension: true },
        { name: 'Range', in: 'header', type: 'string', required: false, projectExtension: false },
      ],
      success: 200,
      extension: true,
      projectExtension: false,
    });
    expect(parseEndpointLine('+x.y GET /y public sync none 200').projectExtension).toBe(true);
  });

  it.each([
    ['an unknown method', 'x.y PUT /y public sync none 200'],
    ['an unknown auth', 'x.y GET /y cookie sync none 200'],
    ['a parameter before its location', 'x.y GET /y public sync none 200 page'],
    ['an unknown type', 'x.y GET /y public sync none 200 query: page:float'],
    ['an unknown location', 'x.y GET /y public sync none 200 cookie: page'],
    ['a missing success status', 'x.y GET /y public sync none'],
    ['a relative path', 'x.y GET y public sync none 200'],
  ])('refuses %s', (_what, line) => {
    expect(() => parseEndpointLine(line)).toThrow();
  });
});
