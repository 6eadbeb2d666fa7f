import { describe, expect, it } from 'vitest';
import { downloadSourceOf } from '../../../client/download-source.ts';

const API = 'https://engine.example:9009';

describe('downloadSourceOf (contract §2 client tolerance)', () => {
  it('uses an absolute URL as it is', () => {
    const url = 'https://engine.example:9009/downstream/?auth=U-abc';
    expect(downloadSourceOf({ command_status: 2, output_type: 1, body: url }, API)).toEqual({
      kind: 'url',
      url,
    });
  });

  it('turns a bare token into apiUrl/downstream/?auth=<token>', () => {
    expect(
      downloadSourceOf({ command_status: 2, output_type: 1, body: 'U-7hQx_-9' }, `${API}/`),
    ).toEqual({
      kind: 'url',
      url: `${API}/downstream/?auth=U-7hQx_-9`,
    });
  });

  it('decodes an inline payload (output_type 0, status 2) from base64, padded or not', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253]);
    expect(
      downloadSourceOf({ command_status: 2, output_type: 0, body: bytes.toString('base64') }, API),
    ).toEqual({ kind: 'inline', data: bytes });
    expect(
      downloadSourceOf(
        { command_status: 2, output_type: 0, body: bytes.toString('base64').replace(/=+$/, '') },
        API,
      ),
    ).toEqual({
      kind: 'inline',
      data: bytes,
    });
    expect(
      downloadSourceOf(
        { command_status: 2, output_type: 0, body: bytes.toString('base64url') },
        API,
      ),
    ).toEqual({ kind: 'inline', data: bytes });
  });

  it('accepts output_type and command_status as strings', () => {
    expect(downloadSourceOf({ command_status: '2', output_type: '1', body: 'U-x' }, API)).toEqual({
      kind: 'url',
      url: `${API}/downstream/?auth=U-x`,
    });
  });

  it('refuses messages that carry no data', () => {
    expect(() => downloadSourceOf({ command_status: 2, output_type: 1, body: '' }, API)).toThrow(
      /without a body/,
    );
    expect(() =>
      downloadSourceOf({ command_status: 2, output_type: 0, body: 'not base64!' }, API),
    ).toThrow(/not base64/);
    expect(() =>
      downloadSourceOf({ command_status: 1, output_type: 0, body: 'Looking for a device' }, API),
    ).toThrow(/carries no data/);
  });
});
