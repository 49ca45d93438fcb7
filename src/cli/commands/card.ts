/**
 * @module cli/commands/card
 * `aequa card --model model.json [--runs 3,5] [--format md|json] [--out FILE]`: a model card built
 * from the ledger entries that concern the model, scored against EU AI Act Annex IV, recorded in the
 * ledger and published with its inclusion proof and a signed checkpoint (verify it with
 * `aequa verify card.json`). `--from FILE` converts an MCT JSON or Hugging Face card instead.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  buildModelCard,
  type CardAnswers,
  type CardEntry,
  cardRecord,
  fromMctJson,
  inclusionProofToJSON,
  Ledger,
  type LedgerEntry,
  lintAnnexIv,
  type ModelCard,
  parseModelCardMarkdown,
  relatedEntries,
  renderModelCardMarkdown,
  type SignedCard,
  sha256,
  toHex,
  toMctJson,
} from '../../accountability/index.js';
import { AequaError } from '../../core/index.js';
import {
  type CommandSpec,
  commandHelp,
  listFlag,
  parseCommandArgs,
  stringFlag,
  usageError,
} from '../args.js';
import { writeFileAtomic } from '../fs.js';
import type { CliIo } from '../io.js';
import { projectLedgerDir } from '../ledger-hook.js';
import { currentActor, toolVersion } from './ledger.js';

export const cardCommand: CommandSpec = {
  name: 'card',
  summary:
    'Model card from the ledger: evaluation by group with CIs, mitigation, privacy, limitations; Annex IV completeness; recorded and signed.',
  usage:
    'aequa card --model FILE [--runs N,N…] [--answers FILE] [--format md|json] [--out FILE] | aequa card --from CARD --format md|json',
  options: {
    model: { type: 'string', description: 'The model file the card documents', placeholder: 'FILE' },
    runs: {
      type: 'string',
      description: 'Ledger entries to build from (default: found by content hash)',
      placeholder: 'N,N',
    },
    answers: {
      type: 'string',
      description:
        'YAML with name, overview, intendedUse, users, outOfScope, limitations, ethicalConsiderations, caveats, owners, license',
      placeholder: 'FILE',
    },
    license: { type: 'string', description: 'Licence identifier (SPDX)', placeholder: 'ID' },
    from: {
      type: 'string',
      description: 'Convert a Model Card Toolkit JSON or Hugging Face Markdown card',
      placeholder: 'FILE',
    },
    format: {
      type: 'string',
      description: 'md | json (json: the signed card)',
      placeholder: 'FMT',
      default: 'md',
    },
    strict: { type: 'boolean', description: 'With --from and json: plain MCT JSON without the aequa member' },
    out: { type: 'string', description: 'Write the card here instead of stdout', placeholder: 'FILE' },
    dir: { type: 'string', description: 'Ledger folder (default .aequa/ledger)', placeholder: 'DIR' },
    debug: { type: 'boolean', description: 'Show stack traces' },
    help: { type: 'boolean', short: 'h', description: 'Show this help' },
  },
  examples: [
    'aequa card --model model.json --format json --out card.json',
    'aequa card --model model.json --answers card-answers.yaml --out MODEL_CARD.md',
    'aequa card --from model_card.json --format md',
  ],
};

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new AequaError('AEQ_IO_FILE_NOT_FOUND', `Cannot read ${what} "${path}".`, {
      cause: e,
      hint: 'Check the path.',
    });
  }
}

async function readAnswers(path: string): Promise<CardAnswers> {
  const { parse } = await import('yaml');
  let v: unknown;
  try {
    v = parse(await readText(path, 'the answers file'));
  } catch (e) {
    if (e instanceof AequaError) throw e;
    throw new AequaError(
      'AEQ_CARD_INVALID',
      `The answers file "${path}" is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new AequaError(
      'AEQ_CARD_INVALID',
      `The answers file "${path}" must be a YAML mapping (intendedUse:, users:, …).`,
    );
  return v as CardAnswers;
}

/** Runs `aequa card`; returns the exit code. */
export async function runCard(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'card';
  const { values } = parseCommandArgs(cardCommand, argv);
  if (values.help) {
    io.stdout(commandHelp(cardCommand));
    return 0;
  }
  const format = stringFlag(values.format) ?? 'md';
  if (format !== 'md' && format !== 'json')
    throw usageError(`--format must be md or json; got "${format}".`, cmd);
  const out = stringFlag(values.out);
  const emit = async (text: string) => (out ? writeFileAtomic(out, text) : io.stdout(text));

  const from = stringFlag(values.from);
  if (from) {
    const text = await readText(from, 'the card');
    let card: ModelCard;
    if (/^\s*[{[]/.test(text)) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new AequaError('AEQ_CARD_INVALID', `"${from}" is not valid JSON: ${(e as Error).message}.`, {
          cause: e,
        });
      }
      const j = json as { format?: string; card?: unknown };
      card = fromMctJson(j.format === 'aequa-signed-card' ? j.card : json);
    } else card = parseModelCardMarkdown(text);
    await emit(
      format === 'json'
        ? `${JSON.stringify(toMctJson(card, { strict: values.strict === true }), null, 2)}\n`
        : renderModelCardMarkdown(card),
    );
    return 0;
  }

  const modelPath = stringFlag(values.model);
  if (!modelPath)
    throw usageError(
      '--model is required: the model file the card documents (or --from CARD to convert).',
      cmd,
    );
  const bytes = await readFile(modelPath).catch((e: unknown) => {
    throw new AequaError('AEQ_IO_FILE_NOT_FOUND', `Cannot read the model file "${modelPath}".`, {
      cause: e,
      hint: 'Check --model.',
    });
  });
  const sha = toHex(sha256(bytes));
  let file: Record<string, unknown> | undefined;
  try {
    file = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    file = undefined; // an ONNX or other binary model: described by its hash only
  }
  const answersPath = stringFlag(values.answers);
  const answers: CardAnswers = {
    ...(answersPath ? await readAnswers(answersPath) : {}),
    ...(stringFlag(values.license) ? { license: stringFlag(values.license)! } : {}),
  };
  const dir = stringFlag(values.dir) ? resolve(stringFlag(values.dir)!) : projectLedgerDir(io);
  const ledger = await Ledger.open(dir);
  try {
    const all: LedgerEntry[] = [];
    for (let i = 0; i < ledger.size; i++) all.push(await ledger.get(i));
    const runsFlag = listFlag(values.runs);
    let picked: number[];
    if (runsFlag.length) {
      picked = runsFlag.map((s) => {
        const n = Number(s);
        if (!/^\d+$/.test(s) || n >= ledger.size)
          throw usageError(`--runs must list entry indices below ${ledger.size}; got "${s}".`, cmd);
        return n;
      });
    } else picked = relatedEntries(sha, all);
    const treeSize = ledger.size;
    const entries: CardEntry[] = picked.map((i) => ({
      index: i,
      record: all[i]!.record,
      leafHash: toHex(all[i]!.leafHash),
      path: treeSize > 0 ? ledger.prove(i, treeSize).path.map(toHex) : [],
    }));
    const f = file as { kind?: string; task?: string; features?: string[]; classes?: string[] } | undefined;
    const card = buildModelCard({
      model: {
        path: modelPath,
        sha256: sha,
        ...(f?.kind
          ? {
              file: {
                kind: f.kind,
                ...(f.task ? { task: f.task } : {}),
                ...(f.features ? { features: f.features } : {}),
                ...(f.classes ? { classes: f.classes } : {}),
              },
            }
          : {}),
      },
      entries,
      ledger: { origin: ledger.origin, treeSize, rootHash: toHex(ledger.root(treeSize)) },
      answers,
    });
    const lint = lintAnnexIv(card);
    const record = cardRecord(card, {
      toolVersion: toolVersion(),
      actor: currentActor(io.env),
      refs: picked,
    });
    const appended = await ledger.append(record);
    const checkpoint = await ledger.checkpoint();
    const proof = inclusionProofToJSON(ledger.prove(appended.index, ledger.size));
    const signed: SignedCard = {
      format: 'aequa-signed-card',
      version: 1,
      card,
      record,
      proof,
      checkpoint,
      verifierKey: ledger.meta.verifierKey,
    };
    await emit(format === 'json' ? `${JSON.stringify(signed, null, 2)}\n` : renderModelCardMarkdown(card));
    io.stderr(
      `card: built from entries ${picked.join(', ')}; recorded as entry ${appended.index}\n` +
        `Annex IV completeness ${lint.covered}/${lint.required} (${Math.round(lint.score * 100)}%)${lint.missing.length ? `; missing:\n${lint.missing.map((m) => `  - ${m}`).join('\n')}` : ''}\n`,
    );
    return 0;
  } finally {
    await ledger.close();
  }
}
