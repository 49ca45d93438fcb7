/**
 * @module privacy/pii/scan
 * Finds personal data in free text: runs every detector, drops findings below the confidence floor,
 * and resolves overlaps by keeping the most confident (then the longest) finding, in the manner of
 * Microsoft Presidio's analyzer (https://microsoft.github.io/presidio/analyzer/).
 */
import { InvalidArgumentError } from '../../core/index.js';
import { DETECTORS, PII_ENTITIES, type PiiEntity, type PiiFinding } from './detectors.js';

/** Options of a PII scan. */
export interface ScanOptions {
  /** Entities to look for. @default all */
  readonly entities?: readonly PiiEntity[];
  /** Findings below this confidence are dropped. @default 0.5 */
  readonly minConfidence?: number;
}

/** Checks an entity list from the API edge; throws naming the unknown one. */
export function parseEntities(fn: string, names: readonly string[]): PiiEntity[] {
  for (const n of names)
    if (!(n in PII_ENTITIES))
      throw new InvalidArgumentError(fn, 'entities', n, `one of ${Object.keys(PII_ENTITIES).join(', ')}`);
  return names as PiiEntity[];
}

/**
 * The personal data in `text`, sorted by position, without overlaps.
 * @throws {AEQ_INVALID_ARGUMENT} an unknown entity or a confidence floor outside [0, 1]
 * @example scanText('Mail jane.doe@example.com').map((f) => f.entity) // ['EMAIL']
 */
export function scanText(text: string, opts: ScanOptions = {}): PiiFinding[] {
  const min = opts.minConfidence ?? 0.5;
  if (!(min >= 0 && min <= 1))
    throw new InvalidArgumentError('scanText', 'minConfidence', min, 'a number in [0, 1]');
  const want = new Set(opts.entities ? parseEntities('scanText', opts.entities) : Object.keys(PII_ENTITIES));
  const all: PiiFinding[] = [];
  for (const d of DETECTORS) {
    if (!want.has(d.entity)) continue;
    d.detect(text, (entity, start, end, confidence) => {
      if (confidence >= min && end > start)
        all.push({ entity, start, end, text: text.slice(start, end), confidence });
    });
  }
  all.sort((a, b) => b.confidence - a.confidence || b.end - b.start - (a.end - a.start) || a.start - b.start);
  // Greedy by priority; an occupancy mask makes the overlap test O(span length), not O(findings).
  const taken = new Uint8Array(text.length);
  const kept: PiiFinding[] = [];
  for (const f of all) {
    let free = true;
    for (let i = f.start; i < f.end && free; i++) if (taken[i]) free = false;
    if (!free) continue;
    taken.fill(1, f.start, f.end);
    kept.push(f);
  }
  return kept.sort((a, b) => a.start - b.start);
}
