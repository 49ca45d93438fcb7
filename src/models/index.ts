export * from './evaluate.js';
export * from './fit-data.js';
export * from './learners/gbdt.js';
export * from './learners/linear.js';
export * from './learners/logistic.js';
export * from './learners/mlp.js';
export * from './learners/optim.js';
export * from './learners/tree.js';
export {
  type Criterion,
  leafIndex,
  type TreeNodes,
  type TreeNodesJSON,
  treeShape,
} from './learners/tree-core.js';
export * from './linalg.js';
export * from './model.js';
export * from './onnx/export.js';
export * from './onnx/proto.js';
export * from './optim/adamw.js';
export * from './persist.js';
export * from './preprocess.js';
export * from './registry.js';
export * from './split.js';
export * from './train-loop.js';
