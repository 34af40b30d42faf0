/**
 * The end of a boosting iteration as one WebAssembly loop over the rows: add the tree's output to
 * each row's score, then write the binary log loss gradient and hessian (as float32) for the new
 * score. It repeats BinaryObjective's arithmetic operation for operation, and computes e^x with the
 * fdlibm algorithm V8's Math.exp uses (reduction x = k ln2 + r, a rational approximation of e^r,
 * scaling by 2^k), so every output is bit for bit what the JavaScript path writes. Inputs outside
 * the range where that needs no special cases (|x| below 2^-28 or above 700, x = 1, NaN) call
 * Math.exp itself.
 *
 * expScores(begin, end): the exponential alone over the scores, so tests can compare it with Math.exp.
 *
 * gradients(begin, end), with every array at a fixed byte offset of the memory:
 *   for i in [begin, end):
 *     score[i] += leafValues[leafOfRow[i]]
 *     sign = 2 label[i] - 1;  e = exp(sign × sigmoid × score[i])
 *     response = -sign × sigmoid / (1 + e)
 *     pairs[2i] = f32(response × weight[label]);  pairs[2i + 1] = f32(|response| (sigmoid - |response|) × weight[label])
 */
import { FDLIBM_EXP_CONSTANTS } from '../objective/exact-exp.ts';
import { F64, type FunctionSpec, f64Const, get, I32, i32, memory, op, set, tee } from './wasm-assembler.ts';

export interface GradientLayout {
  scoresOffset: number;
  labelsOffset: number;
  leafOfRowOffset: number;
  leafValuesOffset: number;
  /** sigmoid, then the weights of negative and positive rows (three f64). */
  constantsOffset: number;
  pairsOffset: number;
}

/** The exponential's constants, shared with the two-lane loop. */
export const EXP_CONSTANTS = FDLIBM_EXP_CONSTANTS;
const {
  tinyLimit: TINY_LIMIT,
  halfLn2Limit: HALF_LN2_LIMIT,
  oneAndHalfLn2Limit: ONE_AND_HALF_LN2_LIMIT,
  ln2Hi: LN2_HI,
  ln2Lo: LN2_LO,
  invLn2: INV_LN2,
  p: [P1, P2, P3, P4, P5],
} = FDLIBM_EXP_CONSTANTS;

// Parameters 0 first row (then the running row), 1 end row; i32 locals 2 label, 3 i × 8; f64
// locals from 4.
const I = 0;
const COUNT = 1;
const LABEL = 2;
const AT = 3;
const SCORE = 4;
const SIGN = 5;
const X = 6;
const AX = 7;
const K = 8;
const HI = 9;
const LO = 10;
const R = 11;
const T = 12;
const C = 13;
const E = 14;
const RESPONSE = 15;
const ABS = 16;
const WEIGHT = 17;
const SIGMOID = 18;

/** e^x for x in the local X (|x| in AX), left on the stack. */
function exp(): number[][] {
  const special = [
    [...get(AX), ...f64Const(TINY_LIMIT), op.f64Lt, ...get(AX), ...f64Const(700), op.f64Gt, op.i32Or],
    [...get(X), ...f64Const(1), op.f64Eq, op.i32Or, ...get(X), ...get(X), op.f64Ne, op.i32Or],
  ];
  return [
    ...special,
    [...op.ifF64, ...get(X), op.call, 0, op.else],
    // k = 0 below 0.5 ln2, ±1 below 1.5 ln2, else trunc(x / ln2 ± 0.5)
    [...f64Const(0)],
    [...f64Const(1), ...f64Const(-1), ...get(X), ...f64Const(0), op.f64Gt, op.select],
    [...f64Const(INV_LN2), ...get(X), op.f64Mul, ...f64Const(-0.5), ...f64Const(0.5)],
    [...get(X), ...f64Const(0), op.f64Lt, op.select, op.f64Add, op.f64Trunc],
    [...get(AX), ...f64Const(ONE_AND_HALF_LN2_LIMIT), op.f64Lt, op.select],
    [...get(AX), ...f64Const(HALF_LN2_LIMIT), op.f64Lt, op.select, ...set(K)],
    // hi = x - k ln2_hi; lo = k ln2_lo; r = hi - lo; t = r²
    [...get(X), ...get(K), ...f64Const(LN2_HI), op.f64Mul, op.f64Sub, ...set(HI)],
    [...get(K), ...f64Const(LN2_LO), op.f64Mul, ...set(LO)],
    [...get(HI), ...get(LO), op.f64Sub, ...tee(R), ...get(R), op.f64Mul, ...set(T)],
    // c = r - t (P1 + t (P2 + t (P3 + t (P4 + t P5))))
    [...get(R), ...get(T), ...f64Const(P1), ...get(T), ...f64Const(P2), ...get(T), ...f64Const(P3)],
    [...get(T), ...f64Const(P4), ...get(T), ...f64Const(P5), op.f64Mul, op.f64Add, op.f64Mul],
    [op.f64Add, op.f64Mul, op.f64Add, op.f64Mul, op.f64Add, op.f64Mul, op.f64Sub, ...set(C)],
    // (1 - ((lo - r c / (2 - c)) - hi)) × 2^k
    [...f64Const(1), ...get(LO), ...get(R), ...get(C), op.f64Mul, ...f64Const(2), ...get(C), op.f64Sub],
    [op.f64Div, op.f64Sub, ...get(HI), op.f64Sub, op.f64Sub],
    [...get(K), op.i32TruncF64S, ...i32(1023), op.i32Add, op.i64ExtendI32S, op.i64Const, 52, op.i64Shl],
    [op.f64ReinterpretI64, op.f64Mul, op.end],
  ];
}

/** expScores(count): score[i] = e^score[i], the loop's exponential on its own (for tests). */
export function expFunction(layout: GradientLayout): FunctionSpec {
  const body = [
    [...op.block, ...op.loop],
    [...get(I), ...get(COUNT), op.i32GeU, op.brIf, 1],
    [...get(I), ...i32(3), op.i32Shl, ...tee(AT), ...get(AT), op.f64Load, ...memory(3, layout.scoresOffset)],
    [...tee(X), op.f64Abs, ...set(AX)],
    ...exp(),
    [op.f64Store, ...memory(3, layout.scoresOffset)],
    [...get(I), ...i32(1), op.i32Add, ...set(I), op.br, 0],
    [op.end, op.end],
  ];
  return {
    name: 'expScores',
    numParams: 2,
    returnsI32: false,
    locals: [
      [2, I32],
      [15, F64],
    ],
    body,
  };
}

export function gradientFunction(layout: GradientLayout): FunctionSpec {
  const { scoresOffset, labelsOffset, leafOfRowOffset, leafValuesOffset, constantsOffset, pairsOffset } =
    layout;
  const body = [
    [...i32(0), op.f64Load, ...memory(3, constantsOffset), ...set(SIGMOID)],
    [...op.block, ...op.loop],
    [...get(I), ...get(COUNT), op.i32GeU, op.brIf, 1],
    [...get(I), ...i32(3), op.i32Shl, ...set(AT)],
    // score[i] += leafValues[leafOfRow[i]]
    [...get(AT), ...get(AT), op.f64Load, ...memory(3, scoresOffset)],
    [...get(I), op.i32Load8U, ...memory(0, leafOfRowOffset), ...i32(3), op.i32Shl],
    [
      op.f64Load,
      ...memory(3, leafValuesOffset),
      op.f64Add,
      ...tee(SCORE),
      op.f64Store,
      ...memory(3, scoresOffset),
    ],
    // sign = 2 label - 1; x = sign × sigmoid × score
    [...get(I), op.i32Load8U, ...memory(0, labelsOffset), ...tee(LABEL), ...i32(1), op.i32Shl, ...i32(1)],
    [op.i32Sub, op.f64ConvertI32S, ...tee(SIGN), ...get(SIGMOID), op.f64Mul, ...get(SCORE), op.f64Mul],
    [...tee(X), op.f64Abs, ...set(AX)],
    ...exp(),
    [...set(E)],
    // response = (-sign × sigmoid) / (1 + e)
    [...get(SIGN), op.f64Neg, ...get(SIGMOID), op.f64Mul, ...f64Const(1), ...get(E), op.f64Add, op.f64Div],
    [...tee(RESPONSE), op.f64Abs, ...set(ABS)],
    [...get(LABEL), ...i32(3), op.i32Shl, op.f64Load, ...memory(3, constantsOffset + 8), ...set(WEIGHT)],
    [...get(AT), ...get(RESPONSE), ...get(WEIGHT), op.f64Mul, op.f32DemoteF64],
    [op.f32Store, ...memory(2, pairsOffset)],
    [...get(AT), ...get(ABS), ...get(SIGMOID), ...get(ABS), op.f64Sub, op.f64Mul, ...get(WEIGHT), op.f64Mul],
    [op.f32DemoteF64, op.f32Store, ...memory(2, pairsOffset + 4)],
    [...get(I), ...i32(1), op.i32Add, ...set(I), op.br, 0],
    [op.end, op.end],
  ];
  return {
    name: 'gradients',
    numParams: 2,
    returnsI32: false,
    locals: [
      [2, I32],
      [15, F64],
    ],
    body,
  };
}
