import { describe, expect, it } from 'vitest';
import { readCommandId } from '../../../client/command-id.ts';
import { PrivicoreError } from '../../../client/privicore-error.ts';

const ID = '0193a5c2-7d1e-7b6a-9f00-0123456789ab';

describe('readCommandId (contract §1.6: three body shapes, the header wins)', () => {
  it('reads a bare JSON string', () => {
    expect(readCommandId({}, ID)).toBe(ID);
  });

  it('reads a single-element array', () => {
    expect(readCommandId({}, [ID])).toBe(ID);
  });

  it('reads {"commandId"}', () => {
    expect(readCommandId({}, { commandId: ID })).toBe(ID);
  });

  it('prefers the X-DPT-CAB-ID header over any body', () => {
    expect(readCommandId({ 'x-dpt-cab-id': ID }, ['other'])).toBe(ID);
    expect(readCommandId({ 'x-dpt-cab-id': ID }, undefined)).toBe(ID);
  });

  it('fails with client.protocol when there is no id anywhere', () => {
    for (const body of [undefined, '', [], [ID, ID], { id: ID }, 42]) {
      expect(() => readCommandId({}, body)).toThrow(PrivicoreError);
      try {
        readCommandId({}, body);
      } catch (error) {
        expect((error as PrivicoreError).reason).toBe('client.protocol');
      }
    }
  });
});
