import { describe, expect, it } from 'vitest';
import { createRunRecord, parseRunRecord } from './record.js';

const base = {
  command: 'audit',
  toolVersion: 'aequa@0.1.0',
  actor: 'ana',
  timestamp: '2025-01-31T12:00:00.000Z',
};

describe('RunRecord', () => {
  it('fills defaults: kind run, empty config, inputs, outputs and summary, schema version 1', () => {
    expect(createRunRecord(base)).toEqual({
      schemaVersion: 1,
      kind: 'run',
      command: 'audit',
      config: {},
      inputs: [],
      outputs: [],
      toolVersion: 'aequa@0.1.0',
      actor: 'ana',
      timestamp: '2025-01-31T12:00:00.000Z',
      summary: {},
    });
  });

  it('lists every problem of an invalid record at once', () => {
    expect.assertions(3);
    try {
      parseRunRecord({
        ...createRunRecord(base),
        kind: 'party',
        actor: '',
        inputs: [{ path: 'a', sha256: 'XYZ' }],
        extra: 1,
      });
    } catch (e) {
      expect((e as { code: string }).code).toBe('AEQ_LEDGER_RECORD_INVALID');
      expect((e as Error).message).toMatchInlineSnapshot(`
        "The run record is invalid (4 problems):
        ✖ kind must be one of run, approval, card, retention, event, got "party"
        ✖ actor must be a non-empty string
        ✖ inputs[0] must be { path, sha256 (64 lowercase hex digits) }
        ✖ unknown field "extra""
      `);
      expect((e as { details: { issues: string[] } }).details.issues).toHaveLength(4);
    }
  });

  it('refuses non-finite numbers in the summary, and records from a newer schema with AEQ_LEDGER_VERSION', () => {
    expect(() => createRunRecord({ ...base, summary: { x: Number.NaN } })).toThrow(/NaN at summary\.x/);
    expect(() => parseRunRecord({ ...createRunRecord(base), schemaVersion: 2 })).toThrow(
      expect.objectContaining({ code: 'AEQ_LEDGER_VERSION' }),
    );
    expect(() => createRunRecord({ ...base, timestamp: 'yesterday' })).toThrow(/RFC 3339/);
  });
});
