/**
 * @module models/onnx/export
 * Exports built-in models to ONNX so they can be served anywhere ONNX Runtime runs. The graph
 * takes the *encoded* design matrix `X` (double, [N, d], the model's Preprocessor output) and
 * returns `probabilities` (binary: [N, 1] P(positive); multiclass: [N, k]) or `value` (regression);
 * the encoding itself travels in the file's metadata (`aequa.preprocessing`), so aequa's ONNX
 * adapter takes raw tables. Computation is in float64, so outputs match the JSON model to
 * rounding. Trees use `ai.onnx.ml` TreeEnsembleRegressor (float32 inside that operator).
 */
import { AequaError } from '../../core/index.js';
import type { ModelFile, SavableModel } from '../model.js';
import { encodeModel, type NodeSpec, type TensorSpec } from './proto.js';

const OPSET = 17;

interface Graph {
  nodes: NodeSpec[];
  inits: TensorSpec[];
  output: string;
  outWidth: number;
  /** Uses the ai.onnx.ml domain. */
  ml?: boolean;
}

interface TreeJSON {
  nodeCount: number;
  nOutputs: number;
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/**
 * One ai.onnx.ml TreeEnsembleRegressor over all trees: BRANCH_LEQ nodes (x ≤ threshold goes to
 * the "true" child, our left), leaf weights from `value` for the picked outputs, summed with the
 * base values, then the post transform. Thresholds and weights are float32 in this operator.
 */
function treeEnsemble(
  trees: readonly TreeJSON[],
  pick: readonly number[],
  base: readonly number[],
  post: string,
): NodeSpec {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: string[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const tTree: number[] = [];
  const tNode: number[] = [];
  const tIds: number[] = [];
  const tWeights: number[] = [];
  trees.forEach((t, ti) => {
    for (let k = 0; k < t.nodeCount; k++) {
      const leaf = t.left[k]! < 0;
      treeIds.push(ti);
      nodeIds.push(k);
      featureIds.push(leaf ? 0 : t.feature[k]!);
      values.push(leaf ? 0 : t.threshold[k]!);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      trueIds.push(leaf ? 0 : t.left[k]!);
      falseIds.push(leaf ? 0 : t.right[k]!);
      if (leaf) {
        pick.forEach((c, j) => {
          tTree.push(ti);
          tNode.push(k);
          tIds.push(j);
          tWeights.push(t.value[k * t.nOutputs + c]!);
        });
      }
    }
  });
  return {
    op: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    inputs: ['X'],
    outputs: ['tree_out'],
    attributes: {
      nodes_treeids: { kind: 'ints', value: treeIds },
      nodes_nodeids: { kind: 'ints', value: nodeIds },
      nodes_featureids: { kind: 'ints', value: featureIds },
      nodes_values: { kind: 'floats', value: values },
      nodes_modes: { kind: 'strings', value: modes },
      nodes_truenodeids: { kind: 'ints', value: trueIds },
      nodes_falsenodeids: { kind: 'ints', value: falseIds },
      target_treeids: { kind: 'ints', value: tTree },
      target_nodeids: { kind: 'ints', value: tNode },
      target_ids: { kind: 'ints', value: tIds },
      target_weights: { kind: 'floats', value: tWeights },
      n_targets: { kind: 'int', value: pick.length },
      aggregate_function: { kind: 'string', value: 'SUM' },
      base_values: { kind: 'floats', value: base },
      post_transform: { kind: 'string', value: post },
    },
  };
}

/** Dense layer: out = act(in · W + b) with W given as (inputs × units) row-major. */
function dense(
  g: Graph,
  input: string,
  w: readonly number[],
  b: readonly number[],
  inputs: number,
  units: number,
  act: string | null,
  tag: string,
): string {
  g.inits.push({ name: `W_${tag}`, dims: [inputs, units], type: 'double', data: w });
  g.inits.push({ name: `B_${tag}`, dims: [units], type: 'double', data: b });
  g.nodes.push({ op: 'MatMul', inputs: [input, `W_${tag}`], outputs: [`mm_${tag}`] });
  const z = act === null ? `z_${tag}` : `pre_${tag}`;
  g.nodes.push({ op: 'Add', inputs: [`mm_${tag}`, `B_${tag}`], outputs: [z] });
  if (act === null) return z;
  const out = `a_${tag}`;
  g.nodes.push({
    op: act,
    inputs: [z],
    outputs: [out],
    ...(act === 'Softmax' ? { attributes: { axis: { kind: 'int', value: 1 } } } : {}),
  });
  return out;
}

function transpose(rows: readonly (readonly number[])[], d: number): number[] {
  // rows: k blocks of d coefficients → (d × k) row-major
  const k = rows.length;
  const out = new Array<number>(d * k);
  for (let j = 0; j < d; j++) for (let c = 0; c < k; c++) out[j * k + c] = rows[c]![j]!;
  return out;
}

function graphFor(file: ModelFile, d: number): Graph {
  const g: Graph = { nodes: [], inits: [], output: '', outWidth: 1 };
  const p = file.parameters as Record<string, unknown>;
  switch (file.kind) {
    case 'linear': {
      const beta = p.coefficients as number[];
      g.output = dense(g, 'X', beta, [p.intercept as number], d, 1, null, 'out');
      return g;
    }
    case 'logistic': {
      const coef = p.coefficients as number[][];
      const icpt = p.intercept as number[];
      if (file.task === 'binary') {
        g.output = dense(g, 'X', coef[0]!, [icpt[0]!], d, 1, 'Sigmoid', 'out');
      } else {
        g.output = dense(g, 'X', transpose(coef, d), icpt, d, coef.length, 'Softmax', 'out');
        g.outWidth = coef.length;
      }
      return g;
    }
    case 'mlp': {
      const sizes = p.sizes as number[];
      const layers = p.layers as { weights: number[]; bias: number[] }[];
      const hiddenAct = p.activation === 'tanh' ? 'Tanh' : 'Relu';
      const outAct = p.output === 'sigmoid' ? 'Sigmoid' : p.output === 'softmax' ? 'Softmax' : null;
      let cur = 'X';
      layers.forEach((l, i) => {
        const last = i === layers.length - 1;
        cur = dense(g, cur, l.weights, l.bias, sizes[i]!, sizes[i + 1]!, last ? outAct : hiddenAct, `l${i}`);
      });
      const shift = p.outputShift as number;
      const scale = p.outputScale as number;
      if (file.task === 'regression' && (shift !== 0 || scale !== 1)) {
        g.inits.push(
          { name: 'scale', dims: [1], type: 'double', data: [scale] },
          { name: 'shift', dims: [1], type: 'double', data: [shift] },
        );
        g.nodes.push(
          { op: 'Mul', inputs: [cur, 'scale'], outputs: ['scaled'] },
          { op: 'Add', inputs: ['scaled', 'shift'], outputs: ['value_raw'] },
        );
        cur = 'value_raw';
      }
      g.output = cur;
      g.outWidth = sizes[sizes.length - 1]!;
      return g;
    }
    case 'tree':
    case 'gbdt': {
      const trees = (file.kind === 'tree' ? [p.tree] : p.trees) as TreeJSON[];
      const k = trees[0]?.nOutputs ?? 1;
      // Binary trees hold [P(neg), P(pos)]: export the positive column only.
      const pick =
        file.kind === 'tree' && file.task === 'binary' ? [1] : Array.from({ length: k }, (_, c) => c);
      const base = file.kind === 'gbdt' ? [p.baseScore as number] : pick.map(() => 0);
      g.nodes.push(treeEnsemble(trees, pick, base, 'NONE'));
      // The ml operator outputs float32: cast back to double for one output type. The logistic
      // link is a separate Sigmoid node (onnxruntime's regressor did not apply post_transform
      // LOGISTIC in our test, so we do not rely on it).
      g.nodes.push({
        op: 'Cast',
        inputs: ['tree_out'],
        outputs: ['tree_out_d'],
        attributes: { to: { kind: 'int', value: 11 } },
      });
      g.output = 'tree_out_d';
      if (file.kind === 'gbdt' && p.loss === 'logistic') {
        g.nodes.push({ op: 'Sigmoid', inputs: ['tree_out_d'], outputs: ['tree_p'] });
        g.output = 'tree_p';
      }
      g.outWidth = pick.length;
      g.ml = true;
      return g;
    }
    default:
      throw new AequaError(
        'AEQ_INVALID_ARGUMENT',
        `Models of kind "${file.kind}" cannot be exported to ONNX yet.`,
        {
          hint: 'Export logistic, linear, mlp, tree or gbdt models.',
        },
      );
  }
}

/**
 * Encodes a built-in model as ONNX bytes.
 * @throws {AEQ_INVALID_ARGUMENT} for a model kind without an exporter.
 * @example const bytes = exportOnnx(model); // write to model.onnx; run with onnxruntime
 */
export function exportOnnx(model: SavableModel): Uint8Array {
  const file = model.toJSON();
  const d = model.preprocessor.outputNames.length;
  const g = graphFor(file, d);
  const outName = file.task === 'regression' ? 'value' : 'probabilities';
  g.nodes.push({ op: 'Identity', inputs: [g.output], outputs: [outName] });
  return encodeModel({
    producerVersion: '0.1.0',
    opsets: [{ domain: '', version: OPSET }, ...(g.ml ? [{ domain: 'ai.onnx.ml', version: 3 }] : [])],
    metadata: {
      'aequa.kind': file.kind,
      'aequa.task': file.task,
      'aequa.classes': JSON.stringify(file.classes),
      'aequa.target': file.target,
      'aequa.features': JSON.stringify(file.features),
      'aequa.encoded': JSON.stringify(model.preprocessor.outputNames),
      'aequa.preprocessing': JSON.stringify(file.preprocessing),
    },
    graph: {
      name: `aequa_${file.kind}`,
      nodes: g.nodes,
      initializers: g.inits,
      inputs: [{ name: 'X', type: 'double', shape: ['N', d] }],
      outputs: [{ name: outName, type: 'double', shape: ['N', g.outWidth] }],
    },
  });
}
