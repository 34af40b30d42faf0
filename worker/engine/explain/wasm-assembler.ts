/**
 * A minimal WebAssembly assembler: enough to emit one exported function over an imported memory,
 * byte by byte, so the explain kernel needs no toolchain at build or run time. Only the instructions
 * the kernel uses are named here.
 */

import { name, section, signedLeb, unsignedLeb, vector } from '../wasm/binary-encoding.ts';

export const I32 = 0x7f;
export const F64 = 0x7c;

/** Opcodes (single byte, MVP instruction set). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Store: 0x36,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Le: 0x65,
  f64Ge: 0x66,
  i32Ctz: 0x68,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  i32TruncF64S: 0xaa,
} as const;

/** Block type of structured instructions that leave nothing on the stack. */
const VOID = 0x40;

/** Function body builder: instructions append bytes; structured helpers keep blocks balanced. */
export class Code {
  readonly bytes: number[] = [];

  op(...opcodes: number[]): this {
    this.bytes.push(...opcodes);
    return this;
  }

  get(local: number): this {
    return this.op(Op.localGet, ...unsignedLeb(local));
  }

  set(local: number): this {
    return this.op(Op.localSet, ...unsignedLeb(local));
  }

  tee(local: number): this {
    return this.op(Op.localTee, ...unsignedLeb(local));
  }

  i32(value: number): this {
    return this.op(Op.i32Const, ...signedLeb(value));
  }

  f64(value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return this.op(Op.f64Const, ...bytes);
  }

  /** Loads and stores with a constant byte offset; alignment hints are the natural ones. */
  loadI32(offset = 0): this {
    return this.op(Op.i32Load, 2, ...unsignedLeb(offset));
  }

  loadF64(offset = 0): this {
    return this.op(Op.f64Load, 3, ...unsignedLeb(offset));
  }

  storeI32(offset = 0): this {
    return this.op(Op.i32Store, 2, ...unsignedLeb(offset));
  }

  storeF64(offset = 0): this {
    return this.op(Op.f64Store, 3, ...unsignedLeb(offset));
  }

  /** local += step (i32). */
  addTo(local: number, step: number | (() => void)): this {
    this.get(local);
    if (typeof step === 'number') this.i32(step);
    else step();
    return this.op(Op.i32Add).set(local);
  }

  /** `while (condition) body`: the condition leaves one i32 on the stack. */
  whileLoop(condition: () => void, body: () => void): this {
    this.op(Op.block, VOID, Op.loop, VOID);
    condition();
    this.op(Op.i32Eqz, Op.brIf, 1);
    body();
    return this.op(Op.br, 0, Op.end, Op.end);
  }

  /** `if (condition) then else otherwise`: the condition is already on the stack. */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.op(Op.if, VOID);
    then();
    if (otherwise !== undefined) {
      this.op(Op.else);
      otherwise();
    }
    return this.op(Op.end);
  }

  /** A block that `br depth` inside `body` leaves (used as `continue` of an enclosing loop). */
  block(body: () => void): this {
    this.op(Op.block, VOID);
    body();
    return this.op(Op.end);
  }
}

/**
 * A module importing `env.memory` and exporting one function `exportName` with i32 parameters and
 * no result; `locals` lists the types of the extra locals, in index order after the parameters.
 */
export function assembleModule(
  exportName: string,
  params: number,
  locals: number[],
  body: Code,
): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vector(Array.from({ length: params }, () => [I32])), 0];
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 1];
  const localGroups: number[][] = [];
  for (const localType of locals) {
    const last = localGroups[localGroups.length - 1];
    if (last !== undefined && last[1] === localType) last[0] += 1;
    else localGroups.push([1, localType]);
  }
  const code = [
    ...vector(localGroups.map(([count, t]) => [...unsignedLeb(count), t])),
    ...body.bytes,
    Op.end,
  ];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector([type])),
    ...section(2, vector([memoryImport])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name(exportName), 0x00, 0]])),
    ...section(10, vector([[...unsignedLeb(code.length), ...code]])),
  ]);
}
