/**
 * The gradient loop of wasm-gradient-function.ts two rows at a time in f64x2 lanes. One row's
 * chain of dependent operations (the exponential's polynomial and two divisions) is long, so the
 * processor overlaps little of one row with the next; two rows in the lanes of one chain halve the
 * time. The lane operations round exactly as the scalar ones, so the results are the same bits. A
 * pair with an input the scalar loop hands to Math.exp, and an odd last row, go to the scalar loop.
 *
 * gradientPairs(count): rows [0, count), two by two.
 */

import { unsignedLeb } from '../wasm/binary-encoding.ts';
import {
  type FunctionSpec,
  get,
  I32,
  i32,
  memory,
  op,
  set,
  tee,
  V128,
  V128_LOAD,
  V128_STORE,
} from './wasm-assembler.ts';
import { EXP_CONSTANTS, type GradientLayout } from './wasm-gradient-function.ts';

const simd = (code: number) => [0xfd, ...unsignedLeb(code)];
const F64X2_SPLAT = simd(0x14);
const F64X2_REPLACE_LANE = simd(0x22);
const F64X2_EQ = simd(0x47);
const F64X2_NE = simd(0x48);
const F64X2_LT = simd(0x49);
const F64X2_GT = simd(0x4a);
const V128_OR = simd(0x50);
const V128_BITSELECT = simd(0x52);
const V128_ANY_TRUE = simd(0x53);
const F32X4_DEMOTE_F64X2_ZERO = simd(0x5e);
const F64X2_TRUNC = simd(0x7a);
const I64X2_EXTEND_LOW_I32X4_S = simd(0xc7);
const I64X2_SHL = simd(0xcb);
const I64X2_ADD = simd(0xce);
const F64X2_ABS = simd(0xec);
const F64X2_NEG = simd(0xed);
const ADD = simd(0xf0);
const SUB = simd(0xf1);
const MUL = simd(0xf2);
const DIV = simd(0xf3);
const I32X4_TRUNC_SAT_F64X2_S_ZERO = simd(0xfc);
const I8X16_SHUFFLE = simd(0x0d);
const V128_CONST = simd(0x0c);

/** A v128 constant holding `value` in both f64 lanes. */
function both(value: number): number[] {
  const bytes = new Uint8Array(new Float64Array([value, value]).buffer);
  return [...V128_CONST, ...bytes];
}
function bothI64(value: number): number[] {
  const bytes = new Uint8Array(new BigInt64Array([BigInt(value), BigInt(value)]).buffer);
  return [...V128_CONST, ...bytes];
}

// Parameter 0 count; i32 locals 1 i, 2 i × 8, 3 and 4 the two labels; v128 locals from 5.
const COUNT = 0;
const I = 1;
const AT = 2;
const L0 = 3;
const L1 = 4;
const SCORE = 5;
const SIGN = 6;
const X = 7;
const AX = 8;
const K = 9;
const HI = 10;
const LO = 11;
const R = 12;
const T = 13;
const C = 14;
const E = 15;
const RESPONSE = 16;
const ABS = 17;
const WEIGHT = 18;
const SIGMOID = 19;

/** Both lanes from two f64 loads at the i32 addresses the code pieces leave. */
function lanes(first: number[], second: number[], offset: number): number[] {
  return [
    ...first,
    op.f64Load,
    ...memory(3, offset),
    ...F64X2_SPLAT,
    ...second,
    op.f64Load,
    ...memory(3, offset),
    ...F64X2_REPLACE_LANE,
    1,
  ];
}

/** e^x in both lanes of the local X (|x| in AX), left on the stack; no lane may be special. */
function expLanes(): number[][] {
  const { halfLn2Limit, oneAndHalfLn2Limit, ln2Hi, ln2Lo, invLn2, p } = EXP_CONSTANTS;
  return [
    // k = 0 below 0.5 ln2, ±1 below 1.5 ln2, else trunc(x / ln2 ± 0.5)
    [...both(0), ...both(1), ...both(-1), ...get(X), ...both(0), ...F64X2_GT, ...V128_BITSELECT],
    [...both(invLn2), ...get(X), ...MUL, ...both(-0.5), ...both(0.5), ...get(X), ...both(0), ...F64X2_LT],
    [...V128_BITSELECT, ...ADD, ...F64X2_TRUNC],
    [...get(AX), ...both(oneAndHalfLn2Limit), ...F64X2_LT, ...V128_BITSELECT],
    [...get(AX), ...both(halfLn2Limit), ...F64X2_LT, ...V128_BITSELECT, ...set(K)],
    [...get(X), ...get(K), ...both(ln2Hi), ...MUL, ...SUB, ...set(HI)],
    [...get(K), ...both(ln2Lo), ...MUL, ...set(LO)],
    [...get(HI), ...get(LO), ...SUB, ...tee(R), ...get(R), ...MUL, ...set(T)],
    [...get(R), ...get(T), ...both(p[0]), ...get(T), ...both(p[1]), ...get(T), ...both(p[2])],
    [...get(T), ...both(p[3]), ...get(T), ...both(p[4]), ...MUL, ...ADD, ...MUL],
    [...ADD, ...MUL, ...ADD, ...MUL, ...ADD, ...MUL, ...SUB, ...set(C)],
    [...both(1), ...get(LO), ...get(R), ...get(C), ...MUL, ...both(2), ...get(C), ...SUB],
    [...DIV, ...SUB, ...get(HI), ...SUB, ...SUB],
    [...get(K), ...I32X4_TRUNC_SAT_F64X2_S_ZERO, ...I64X2_EXTEND_LOW_I32X4_S, ...bothI64(1023), ...I64X2_ADD],
    [...i32(52), ...I64X2_SHL, ...MUL],
  ];
}

/** The special inputs of either lane (tiny, large, exactly 1, NaN) as a v128 mask, then any_true. */
function anySpecial(): number[][] {
  return [
    [...get(AX), ...both(EXP_CONSTANTS.tinyLimit), ...F64X2_LT, ...get(AX), ...both(700), ...F64X2_GT],
    [...V128_OR, ...get(X), ...both(1), ...F64X2_EQ, ...V128_OR, ...get(X), ...get(X), ...F64X2_NE],
    [...V128_OR, ...V128_ANY_TRUE],
  ];
}

/**
 * expPairScores(count): score = e^score for rows [0, count) two by two with the lanes' exponential
 * (special pairs and an odd last row through the scalar expScores at `scalarIndex`), for tests.
 */
export function expPairsFunction(layout: GradientLayout, scalarIndex: number): FunctionSpec {
  const body = [
    [...op.block, ...op.loop],
    [...get(I), ...i32(2), op.i32Add, ...get(COUNT), op.i32GtU, op.brIf, 1],
    [...get(I), ...i32(3), op.i32Shl, ...tee(AT), ...V128_LOAD, ...memory(4, layout.scoresOffset)],
    [...tee(X), ...F64X2_ABS, ...set(AX)],
    ...anySpecial(),
    [...op.if, ...get(I), ...get(I), ...i32(2), op.i32Add, op.call, ...unsignedLeb(scalarIndex), op.else],
    [...get(AT)],
    ...expLanes(),
    [...V128_STORE, ...memory(4, layout.scoresOffset), op.end],
    [...get(I), ...i32(2), op.i32Add, ...set(I), op.br, 0],
    [op.end, op.end],
    [...get(I), ...get(COUNT), op.call, ...unsignedLeb(scalarIndex)],
  ];
  return {
    name: 'expPairScores',
    numParams: 1,
    returnsI32: false,
    locals: [
      [4, I32],
      [15, V128],
    ],
    body,
  };
}

/** `scalarIndex` is the module's function index of the scalar gradients(begin, end). */
export function gradientPairsFunction(layout: GradientLayout, scalarIndex: number): FunctionSpec {
  const { scoresOffset, labelsOffset, leafOfRowOffset, leafValuesOffset, constantsOffset, pairsOffset } =
    layout;
  const leafAddress = (lane: number) => [
    ...get(I),
    op.i32Load8U,
    ...memory(0, leafOfRowOffset + lane),
    ...i32(3),
    op.i32Shl,
  ];
  const signLane = (label: number) => [
    ...get(label),
    ...i32(1),
    op.i32Shl,
    ...i32(1),
    op.i32Sub,
    op.f64ConvertI32S,
  ];
  const body = [
    [...i32(0), op.f64Load, ...memory(3, constantsOffset), ...F64X2_SPLAT, ...set(SIGMOID)],
    [...op.block, ...op.loop],
    [...get(I), ...i32(2), op.i32Add, ...get(COUNT), op.i32GtU, op.brIf, 1],
    [...get(I), ...i32(3), op.i32Shl, ...set(AT)],
    [...get(I), op.i32Load8U, ...memory(0, labelsOffset), ...set(L0)],
    [...get(I), op.i32Load8U, ...memory(0, labelsOffset + 1), ...set(L1)],
    // score = scores + leafValues[leafOfRow]
    [...get(AT), ...V128_LOAD, ...memory(4, scoresOffset)],
    lanes(leafAddress(0), leafAddress(1), leafValuesOffset),
    [...ADD, ...set(SCORE)],
    // sign = 2 label - 1; x = sign × sigmoid × score
    [...signLane(L0), ...F64X2_SPLAT, ...signLane(L1), ...F64X2_REPLACE_LANE, 1, ...tee(SIGN)],
    [...get(SIGMOID), ...MUL, ...get(SCORE), ...MUL, ...tee(X), ...F64X2_ABS, ...set(AX)],
    // Either lane tiny, large, exactly 1 or NaN: the scalar loop does both rows.
    ...anySpecial(),
    [...op.if, ...get(I), ...get(I), ...i32(2), op.i32Add, op.call, ...unsignedLeb(scalarIndex)],
    [op.else],
    [...get(AT), ...get(SCORE), ...V128_STORE, ...memory(4, scoresOffset)],
    ...expLanes(),
    [...set(E)],
    // response = (-sign × sigmoid) / (1 + e); weights by label
    [...get(SIGN), ...F64X2_NEG, ...get(SIGMOID), ...MUL, ...both(1), ...get(E), ...ADD, ...DIV],
    [...tee(RESPONSE), ...F64X2_ABS, ...set(ABS)],
    lanes([...get(L0), ...i32(3), op.i32Shl], [...get(L1), ...i32(3), op.i32Shl], constantsOffset + 8),
    [...set(WEIGHT)],
    // pairs of rows i and i + 1: (g0, h0, g1, h1) as float32
    [...get(AT), ...get(RESPONSE), ...get(WEIGHT), ...MUL, ...F32X4_DEMOTE_F64X2_ZERO],
    [...get(ABS), ...get(SIGMOID), ...get(ABS), ...SUB, ...MUL, ...get(WEIGHT), ...MUL],
    [...F32X4_DEMOTE_F64X2_ZERO, ...I8X16_SHUFFLE, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23],
    [...V128_STORE, ...memory(4, pairsOffset), op.end],
    [...get(I), ...i32(2), op.i32Add, ...set(I), op.br, 0],
    [op.end, op.end],
    // The odd last row, if any.
    [...get(I), ...get(COUNT), op.call, ...unsignedLeb(scalarIndex)],
  ];
  return {
    name: 'gradientPairs',
    numParams: 1,
    returnsI32: false,
    locals: [
      [4, I32],
      [15, V128],
    ],
    body,
  };
}
