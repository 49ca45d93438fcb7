/**
 * @module privacy/training/mlp-clipped
 * The clipped per-example gradient sum of an MLP batch without materialising the per-example
 * gradients ("ghost clipping": Goodfellow 2015, https://arxiv.org/abs/1510.01799; Lee & Kifer 2021,
 * https://arxiv.org/abs/2009.03106). For a dense layer the per-example weight gradient is the outer
 * product aᵢ ⊗ δᵢ, so ‖gᵢ‖² = Σ_layers (‖aᵢ‖² + 1)·‖δᵢ‖² (the +1 is the bias); the clipped sum is
 * then one more pass with each row's δ scaled by min(1, C/‖gᵢ‖). Cost: a forward and a backward
 * pass, as for non-private training. Works on the parameter layout of `MlpModel` (per layer: W as
 * inputs × units row-major, then b), written by hand because that model keeps its kernels private.
 */

/** Buffers for one batch of at most `cap` rows, allocated once per training run. */
export interface MlpWorkspace {
  readonly cap: number;
  /** Post-activation per layer l = 1..L (logits at L); index 0 unused. */
  readonly acts: Float64Array[];
  /** ∂ℓ/∂(pre-activation) per layer l = 1..L; index 0 unused. */
  readonly deltas: Float64Array[];
  /** Per-row squared gradient norm. */
  readonly norm2: Float64Array;
}

/** Allocates the workspace for layer sizes [inputs, …hidden, outputs] and batches of ≤ cap rows. */
export function mlpWorkspace(sizes: readonly number[], cap: number): MlpWorkspace {
  const acts = [new Float64Array(0)];
  const deltas = [new Float64Array(0)];
  for (let l = 1; l < sizes.length; l++) {
    acts.push(new Float64Array(cap * sizes[l]!));
    deltas.push(new Float64Array(cap * sizes[l]!));
  }
  return { cap, acts, deltas, norm2: new Float64Array(cap) };
}

/**
 * Adds Σᵢ min(1, C/‖gᵢ‖)·gᵢ into `grad`, gᵢ the gradient of row i's cross-entropy (sigmoid output
 * when the last layer has one unit, softmax otherwise) w.r.t. `params`. Rows are `x[r·d…]` for
 * r < rows (a gathered batch), targets y[r] (0/1 or class index).
 */
export function clippedMlpSumKernel(
  sizes: readonly number[],
  relu: boolean,
  params: Float64Array,
  x: Float64Array,
  y: Float64Array,
  rows: number,
  C: number,
  ws: MlpWorkspace,
  grad: Float64Array,
): void {
  const L = sizes.length - 1;
  // Forward: z_l = a_{l−1}W_l + b_l, a_l = act(z_l) for hidden layers.
  let off = 0;
  for (let l = 0; l < L; l++) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    const wo = off;
    const bo = off + nin * nout;
    off = bo + nout;
    const prev = l === 0 ? x : ws.acts[l]!;
    const z = ws.acts[l + 1]!;
    for (let i = 0; i < rows; i++) {
      const zr = i * nout;
      const ar = i * nin;
      for (let o = 0; o < nout; o++) z[zr + o] = params[bo + o]!;
      for (let j = 0; j < nin; j++) {
        const a = prev[ar + j]!;
        if (a === 0) continue;
        const wr = wo + j * nout;
        for (let o = 0; o < nout; o++) z[zr + o] = z[zr + o]! + a * params[wr + o]!;
      }
      if (l < L - 1) {
        if (relu) for (let o = 0; o < nout; o++) z[zr + o] = Math.max(z[zr + o]!, 0);
        else for (let o = 0; o < nout; o++) z[zr + o] = Math.tanh(z[zr + o]!);
      }
    }
  }
  // Output deltas: p − y (sigmoid) or softmax(z) − onehot(y).
  const k = sizes[L]!;
  const zL = ws.acts[L]!;
  const dL = ws.deltas[L]!;
  for (let i = 0; i < rows; i++) {
    if (k === 1) {
      const z = zL[i]!;
      const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      dL[i] = p - y[i]!;
    } else {
      const r = i * k;
      let mx = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) if (zL[r + c]! > mx) mx = zL[r + c]!;
      let s = 0;
      for (let c = 0; c < k; c++) s += dL[r + c] = Math.exp(zL[r + c]! - mx);
      for (let c = 0; c < k; c++) dL[r + c] = dL[r + c]! / s - (c === y[i] ? 1 : 0);
    }
  }
  // Backward: δ_{l−1} = (δ_l W_lᵀ) ⊙ act′; and the per-row norms Σ (‖a‖² + 1)·‖δ‖².
  ws.norm2.fill(0, 0, rows);
  let wEnd = off;
  for (let l = L - 1; l >= 0; l--) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    const bo = wEnd - nout;
    const wo = bo - nin * nout;
    wEnd = wo;
    const prev = l === 0 ? x : ws.acts[l]!;
    const delta = ws.deltas[l + 1]!;
    for (let i = 0; i < rows; i++) {
      let a2 = 1;
      for (let j = 0; j < nin; j++) a2 += prev[i * nin + j]! * prev[i * nin + j]!;
      let d2 = 0;
      for (let o = 0; o < nout; o++) d2 += delta[i * nout + o]! * delta[i * nout + o]!;
      ws.norm2[i] = ws.norm2[i]! + a2 * d2;
    }
    if (l === 0) break;
    const target = ws.deltas[l]!;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < nin; j++) {
        const a = prev[i * nin + j]!;
        if (relu && a === 0) {
          target[i * nin + j] = 0;
          continue;
        }
        const wr = wo + j * nout;
        let s = 0;
        for (let o = 0; o < nout; o++) s += delta[i * nout + o]! * params[wr + o]!;
        target[i * nin + j] = relu ? s : s * (1 - a * a);
      }
    }
  }
  // Clipped sum: each row's deltas scaled by cᵢ = min(1, C/‖gᵢ‖) (the gradient is linear in δ).
  off = 0;
  for (let l = 0; l < L; l++) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    const wo = off;
    const bo = off + nin * nout;
    off = bo + nout;
    const prev = l === 0 ? x : ws.acts[l]!;
    const delta = ws.deltas[l + 1]!;
    for (let i = 0; i < rows; i++) {
      const n = Math.sqrt(ws.norm2[i]!);
      const c = n > C ? C / n : 1;
      const dr = i * nout;
      for (let j = 0; j < nin; j++) {
        const a = prev[i * nin + j]!;
        if (a === 0) continue;
        const ca = c * a;
        const wr = wo + j * nout;
        for (let o = 0; o < nout; o++) grad[wr + o] = grad[wr + o]! + ca * delta[dr + o]!;
      }
      for (let o = 0; o < nout; o++) grad[bo + o] = grad[bo + o]! + c * delta[dr + o]!;
    }
  }
}
