import type { Model } from '../io/model.ts';
import { flattenModel, goesLeft, ZERO_THRESHOLD } from '../predict/flat-forest.ts';
import { rowCount } from '../predict/predict.ts';
import { directLeafContributions } from './leaf-path-tables.ts';
import { createTreeShapExplainer, type TreeShapExplainer } from './tree-shap-explainer.ts';
import { WASM_BLOCK_ROWS } from './wasm-kernel-layout.ts';
import { createWasmKernel, type WasmTreeShapKernel, wasmKernelAvailable } from './wasm-tree-shap-kernel.ts';

/** Which implementation explains: the WebAssembly kernel when the engine has WebAssembly, else JS. */
export type ExplainKernel = 'wasm' | 'js';

export function defaultExplainKernel(): ExplainKernel {
  return wasmKernelAvailable() ? 'wasm' : 'js';
}

const explainers = new WeakMap<Model, TreeShapExplainer>();

/** The explainer of a model, built on first use and kept while the model object lives. */
export function explainerFor(model: Model): TreeShapExplainer {
  let explainer = explainers.get(model);
  if (explainer === undefined || explainer.forest !== flattenModel(model)) {
    explainer = createTreeShapExplainer(model);
    explainers.set(model, explainer);
  }
  return explainer;
}

/** SHAP contributions for a model (explainer cached per model object); see explainMatrix. */
export function explainContributions(
  model: Model,
  matrix: Float64Array,
  kernel: ExplainKernel = defaultExplainKernel(),
): Float64Array {
  return explainMatrix(explainerFor(model), matrix, kernel);
}

/**
 * Rows per block. Within a block the loops run tree → node → row, so each node's data is loaded once
 * per block and the row loop has no dependency between iterations.
 */
const BLOCK_ROWS = 64;

/**
 * Exact path-dependent SHAP contributions in LightGBM's predict_contrib layout: per row, one column
 * per feature, then the expected value (rows × (features + 1), row-major); each row sums to the raw
 * score. Per tree and row: a top-down pass marks, for every node and leaf, the path features the row
 * disagrees with (cold bits); each leaf then adds one table entry per feature the row agrees with
 * (hot), and a bottom-up pass hands each leaf's common cold share to its cold features.
 *
 * Two kernels compute this: the WebAssembly one (wasm-tree-shap-kernel.ts, leaves merged into units)
 * by default, and the JavaScript one below, the reference the tests hold it to and the fallback
 * where WebAssembly is missing. On the 300-tree, 31-leaf bench the WebAssembly kernel explains about
 * 3.7 times as many rows per CPU second. Tried and not kept (measured on the bench's rows): caching
 * a tree's contributions by the row's decision bits (2.9% of rows repeat a tree's pattern), a
 * branch-free fixed-length leaf loop in JavaScript (no gain: the cost is spread over the loads, not
 * in mispredicted branches), feature-major input blocks and a branch-free categorical decision in
 * the WebAssembly kernel (both a little slower).
 */
export function explainMatrix(
  explainer: TreeShapExplainer,
  matrix: Float64Array,
  kernel: ExplainKernel = defaultExplainKernel(),
): Float64Array {
  return kernel === 'wasm' ? explainMatrixWasm(explainer, matrix) : explainMatrixJs(explainer, matrix);
}

/** The same computation as explainMatrixJs, block by block in the WebAssembly kernel. */
export function explainMatrixWasm(
  explainer: TreeShapExplainer,
  matrix: Float64Array,
  kernel: WasmTreeShapKernel = wasmKernelFor(explainer),
): Float64Array {
  const rows = rowCount(explainer.forest, matrix);
  const features = explainer.numFeatures;
  const width = features + 1;
  const out = new Float64Array(rows * width);
  const buffer = kernel.memory.buffer;
  const B = WASM_BLOCK_ROWS;
  const input = new Float64Array(buffer, kernel.inputBase, B * features);
  const output = new Float64Array(buffer, kernel.outBase, B * width);
  // The root's cold masks are the only ones the kernel reads without writing them first.
  new Int32Array(buffer, kernel.coldAtBase, B).fill(0);
  for (let blockStart = 0; blockStart < rows; blockStart += B) {
    const n = Math.min(rows, blockStart + B) - blockStart;
    input.set(matrix.subarray(blockStart * features, (blockStart + n) * features));
    output.fill(0, 0, n * width);
    kernel.run(
      n,
      kernel.treeBase,
      kernel.treeEnd,
      kernel.coldAtBase,
      kernel.inputBase,
      kernel.outBase,
      features * 8,
      width * 8,
      kernel.regionBase,
    );
    out.set(output.subarray(0, n * width), blockStart * width);
  }
  for (let row = 0; row < rows; row += 1) out[row * width + features] = explainer.expectedValue;
  addDirectLeaves(explainer, matrix, rows, out);
  return out;
}

const wasmKernels = new WeakMap<TreeShapExplainer, WasmTreeShapKernel>();

function wasmKernelFor(explainer: TreeShapExplainer): WasmTreeShapKernel {
  let kernel = wasmKernels.get(explainer);
  if (kernel === undefined) {
    kernel = createWasmKernel(explainer);
    wasmKernels.set(explainer, kernel);
  }
  return kernel;
}

/**
 * Leaves without a table, for the WebAssembly kernel (which skips them): their path decisions per
 * row, then the per-row formulas.
 */
function addDirectLeaves(
  explainer: TreeShapExplainer,
  matrix: Float64Array,
  rows: number,
  out: Float64Array,
): void {
  const forest = explainer.forest;
  const features = explainer.numFeatures;
  const width = features + 1;
  let flags = new Uint8Array(64);
  for (let t = 0; t < forest.numTrees; t += 1) {
    if (explainer.hasDirectLeaf[t] === 0) continue;
    const leafEnd = t + 1 < forest.numTrees ? forest.leafOffset[t + 1] : forest.leafValue.length;
    for (let leaf = forest.leafOffset[t]; leaf < leafEnd; leaf += 1) {
      const d = explainer.leafDepth[leaf];
      if (explainer.tableOffset[leaf] >= 0 || d === 0) continue;
      if (flags.length < d) flags = new Uint8Array(d);
      const start = explainer.leafStart[leaf];
      const cover = explainer.pathCover.subarray(start, start + d);
      const pathFeatures = explainer.pathFeature.subarray(start, start + d);
      for (let row = 0; row < rows; row += 1) {
        flags.fill(0, 0, d);
        for (let i = explainer.fallbackStart[leaf]; i < explainer.fallbackStart[leaf + 1]; i += 1) {
          const node = explainer.fallbackNode[i];
          const left = goesLeft(forest, node, matrix[row * features + forest.feature[node]]) ? 1 : 0;
          if (left !== explainer.fallbackLeft[i]) flags[explainer.fallbackPosition[i]] = 1;
        }
        directLeafContributions(forest.leafValue[leaf], cover, pathFeatures, d, flags, out, row * width);
      }
    }
  }
}

/** The JavaScript kernel: the reference for the WebAssembly one and its fallback. */
export function explainMatrixJs(explainer: TreeShapExplainer, matrix: Float64Array): Float64Array {
  const forest = explainer.forest;
  const rows = rowCount(forest, matrix);
  const features = explainer.numFeatures;
  const width = features + 1;
  const out = new Float64Array(rows * width);
  for (let row = 0; row < rows; row += 1) out[row * width + features] = explainer.expectedValue;

  const B = BLOCK_ROWS;
  const slots = 2 * explainer.maxNodes + 1;
  const coldAt = new Int32Array(slots * B);
  const coldSum = new Float64Array(slots * B);
  const wentLeft = new Uint8Array(Math.max(1, explainer.maxNodes) * B);
  const coldFlags = new Uint8Array(64);
  const { preorderStart, preorder, leftSlot, rightSlot, bit, nodeKind, nanLeft } = explainer;
  const { leafDepth, leafStart, pathFeature, pathRatio, tableOffset, tables } = explainer;
  const { feature, threshold, root, nodeOffset, leafOffset } = forest;

  for (let blockStart = 0; blockStart < rows; blockStart += B) {
    const n = Math.min(rows, blockStart + B) - blockStart;
    const inputBlock = blockStart * features;
    const outBlock = blockStart * width;
    for (let t = 0; t < forest.numTrees; t += 1) {
      const first = preorderStart[t];
      const last = preorderStart[t + 1];
      if (first === last) continue;
      const nodeBase = nodeOffset[t];
      const internal = last - first;
      const leafBase = leafOffset[t];
      const leafSlotBase = internal - leafBase;
      const direct = explainer.hasDirectLeaf[t] === 1;
      coldAt.fill(0, (root[t] - nodeBase) * B, (root[t] - nodeBase) * B + n);

      // Top-down: cold bits of both children of every node, for every row of the block. The loop is
      // written once per node kind so the row loop holds no decision it could hoist.
      for (let p = first; p < last; p += 1) {
        const node = preorder[p];
        const from = (node - nodeBase) * B;
        const toLeft = leftSlot[node] * B;
        const toRight = rightSlot[node] * B;
        const nodeBit = bit[node];
        const kind = nodeKind[node];
        const split = threshold[node];
        const nanGoesLeft = nanLeft[node];
        let input = inputBlock + feature[node];
        if (kind === 0) {
          for (let i = 0; i < n; i += 1, input += features) {
            const value = matrix[input];
            const left = Number.isNaN(value) ? nanGoesLeft : +(value <= split);
            const cold = coldAt[from + i];
            coldAt[toLeft + i] = cold | (nodeBit & (left - 1));
            coldAt[toRight + i] = cold | (nodeBit & -left);
            if (direct) wentLeft[from + i] = left;
          }
        } else if (kind === 1) {
          for (let i = 0; i < n; i += 1, input += features) {
            const value = matrix[input];
            const left =
              Number.isNaN(value) || (value >= -ZERO_THRESHOLD && value <= ZERO_THRESHOLD)
                ? nanGoesLeft
                : +(value <= split);
            const cold = coldAt[from + i];
            coldAt[toLeft + i] = cold | (nodeBit & (left - 1));
            coldAt[toRight + i] = cold | (nodeBit & -left);
            if (direct) wentLeft[from + i] = left;
          }
        } else {
          const catStart = forest.catStart[node];
          const catWords = forest.catWords[node];
          const catBits = forest.catBits;
          for (let i = 0; i < n; i += 1, input += features) {
            const value = matrix[input];
            let left = 0;
            if (value >= 0 && value < 2147483648) {
              const category = value | 0;
              const word = category >>> 5;
              if (word < catWords) left = (catBits[catStart + word] >>> (category & 31)) & 1;
            } else if (value > -1 && value < 0) left = catWords > 0 ? catBits[catStart] & 1 : 0;
            const cold = coldAt[from + i];
            coldAt[toLeft + i] = cold | (nodeBit & (left - 1));
            coldAt[toRight + i] = cold | (nodeBit & -left);
            if (direct) wentLeft[from + i] = left;
          }
        }
      }

      // Leaves: every hot path feature gets its table entry; the cold share is stored for the
      // bottom-up pass.
      for (let leaf = leafBase; leaf < leafBase + internal + 1; leaf += 1) {
        const slot = (leafSlotBase + leaf) * B;
        const base = tableOffset[leaf];
        if (base < 0) {
          for (let i = 0; i < n; i += 1) {
            coldSum[slot + i] = 0;
            directLeaf(explainer, leaf, nodeBase, wentLeft, i, coldFlags, out, outBlock + i * width);
          }
          continue;
        }
        const start = leafStart[leaf];
        const full = (1 << leafDepth[leaf]) - 1;
        for (let i = 0; i < n; i += 1) {
          const cold = coldAt[slot + i];
          coldSum[slot + i] = tables[base + cold];
          const rowOut = outBlock + i * width;
          let hot = full & ~cold;
          while (hot !== 0) {
            const low = hot & -hot;
            const k = 31 - Math.clz32(low);
            out[rowOut + pathFeature[start + k]] += pathRatio[start + k] * tables[base + (cold | low)];
            hot ^= low;
          }
        }
      }

      // Bottom-up: subtree sums of cold shares; a node hands its cold child's sum to its feature
      // unless the row already left the path on that feature higher up (counted there).
      for (let p = last - 1; p >= first; p -= 1) {
        const node = preorder[p];
        const at = (node - nodeBase) * B;
        const leftAt = leftSlot[node] * B;
        const rightAt = rightSlot[node] * B;
        const nodeBit = bit[node];
        let target = outBlock + feature[node];
        for (let i = 0; i < n; i += 1, target += width) {
          coldSum[at + i] = coldSum[leftAt + i] + coldSum[rightAt + i];
          // The cold child is the one whose mask gained this node's bit. A node without a bit lies
          // below the table depth: only fallback leaves (cold share 0) hang under it.
          if ((coldAt[at + i] & nodeBit) === 0) {
            out[target] -= (coldAt[leftAt + i] & nodeBit) !== 0 ? coldSum[leftAt + i] : coldSum[rightAt + i];
          }
        }
      }
    }
  }
  return out;
}

/** A leaf without a table: which of its path features are cold, then the formulas directly. */
function directLeaf(
  explainer: TreeShapExplainer,
  leaf: number,
  nodeBase: number,
  wentLeft: Uint8Array,
  row: number,
  coldFlags: Uint8Array,
  out: Float64Array,
  outOffset: number,
): void {
  const d = explainer.leafDepth[leaf];
  const flags = d <= coldFlags.length ? coldFlags : new Uint8Array(d);
  flags.fill(0, 0, d);
  for (let i = explainer.fallbackStart[leaf]; i < explainer.fallbackStart[leaf + 1]; i += 1) {
    if (wentLeft[(explainer.fallbackNode[i] - nodeBase) * BLOCK_ROWS + row] !== explainer.fallbackLeft[i]) {
      flags[explainer.fallbackPosition[i]] = 1;
    }
  }
  const start = explainer.leafStart[leaf];
  directLeafContributions(
    explainer.forest.leafValue[leaf],
    explainer.pathCover.subarray(start, start + d),
    explainer.pathFeature.subarray(start, start + d),
    d,
    flags,
    out,
    outOffset,
  );
}
