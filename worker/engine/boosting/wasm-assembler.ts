/**
 * Just enough of the WebAssembly binary format to assemble the histogram kernels at run time (no
 * toolchain needed): LEB128 numbers, sections, and a module with one exported function that uses
 * an imported memory.
 */

import { name, section, signedLeb, unsignedLeb, vector } from '../wasm/binary-encoding.ts';

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
/** SIMD instructions: prefix 0xfd, then the opcode as unsigned LEB128. */
const SIMD = 0xfd;
export const V128_LOAD = [SIMD, 0x00];
export const V128_STORE = [SIMD, 0x0b];
export const V128_LOAD64_ZERO = [SIMD, ...unsignedLeb(0x5d)];
export const F64X2_PROMOTE_LOW_F32X4 = [SIMD, ...unsignedLeb(0x5f)];
export const F64X2_ADD = [SIMD, ...unsignedLeb(0xf0)];
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Load8U: 0x2d,
  i32Load16U: 0x2f,
  i32Store: 0x36,
  i32Store8: 0x3a,
  i32Sub: 0x6b,
  f64Store: 0x39,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32ShrU: 0x76,
  i32Shl: 0x74,
  call: 0x10,
  if: [0x04, 0x40],
  ifF64: [0x04, 0x7c],
  else: 0x05,
  f32Store: 0x38,
  f64Eq: 0x61,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  i32Or: 0x72,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Trunc: 0x9d,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  i32TruncF64S: 0xaa,
  i64ExtendI32S: 0xac,
  f32DemoteF64: 0xb6,
  f64ConvertI32S: 0xb7,
  f64ReinterpretI64: 0xbf,
  i64Const: 0x42,
  i64Shl: 0x86,
  f64Add: 0xa0,
  f64PromoteF32: 0xbb,
} as const;

export const get = (local: number) => [op.localGet, ...unsignedLeb(local)];
export const set = (local: number) => [op.localSet, ...unsignedLeb(local)];
export const tee = (local: number) => [op.localTee, ...unsignedLeb(local)];
export const i32 = (value: number) => [op.i32Const, ...signedLeb(value)];
/** Memory access immediates: log2 alignment and byte offset. */
export const memory = (alignLog2: number, offset: number) => [alignLog2, ...unsignedLeb(offset)];

export interface FunctionSpec {
  name: string;
  numParams: number;
  /** Whether it returns one i32. */
  returnsI32: boolean;
  /** (count, type) groups of locals after the parameters. */
  locals: [number, number][];
  body: number[][];
}

/**
 * A module importing `env.memory` and exporting the given functions, whose parameters are all i32.
 * With `importExp`, it also imports `env.exp` (f64 -> f64) as function 0, so the defined functions
 * are numbered from 1.
 */
export function assembleModule(functions: FunctionSpec[], importExp = false): Uint8Array<ArrayBuffer> {
  const types = functions.map((spec) => [
    0x60,
    ...vector(Array.from({ length: spec.numParams }, () => [I32])),
    ...(spec.returnsI32 ? vector([[I32]]) : vector([])),
  ]);
  const expType = types.length;
  if (importExp) types.push([0x60, ...vector([[F64]]), ...vector([[F64]])]);
  const codes = functions.map((spec) => {
    const code = [
      ...vector(spec.locals.map(([count, type]) => [...unsignedLeb(count), type])),
      ...spec.body.flat(),
      op.end,
    ];
    return [...unsignedLeb(code.length), ...code];
  });
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, ...unsignedLeb(1)]];
  if (importExp) imports.push([...name('env'), ...name('exp'), 0x00, ...unsignedLeb(expType)]);
  const first = importExp ? 1 : 0;
  const bytes = [
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    section(1, vector(types)),
    section(2, vector(imports)),
    section(3, vector(functions.map((_, index) => unsignedLeb(index)))),
    section(
      7,
      vector(functions.map((spec, index) => [...name(spec.name), 0x00, ...unsignedLeb(first + index)])),
    ),
    section(10, vector(codes)),
  ];
  return new Uint8Array(bytes.flat());
}

/** f64.const with the value's IEEE-754 bytes (little-endian). */
export function f64Const(value: number): number[] {
  const bytes = new Uint8Array(new Float64Array([value]).buffer);
  return [0x44, ...bytes];
}
