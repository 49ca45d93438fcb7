/**
 * @module models/onnx/proto
 * A minimal writer of ONNX model files: the protobuf wire format (varints and length-delimited
 * fields, https://protobuf.dev/programming-guides/encoding/) for the subset of onnx.proto
 * (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that exporting our models needs:
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto and ValueInfoProto.
 * Written by hand because no small, maintained npm package writes ONNX without pulling in a
 * full protobuf runtime and the ONNX schema compiler; this covers ~40 fields.
 */

/** Growable byte buffer with protobuf primitives. */
class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Unsigned varint of a non-negative safe integer (or a negative int64, as 10 bytes). */
  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  tag(field: number, wire: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const utf8 = new TextEncoder();

/** A message under construction: fields appended in order. */
export class Message {
  private readonly w = new Writer();

  int(field: number, v: number | bigint): this {
    this.w.tag(field, 0);
    this.w.varint(v);
    return this;
  }

  float32(field: number, v: number): this {
    this.w.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.w.bytes(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.w.tag(field, 2);
    this.w.varint(b.length);
    this.w.bytes(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  message(field: number, m: Message): this {
    return this.bytes(field, m.finish());
  }

  /** Packed repeated int64. */
  packedInts(field: number, vs: readonly (number | bigint)[]): this {
    const inner = new Writer();
    for (const v of vs) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** Packed repeated float (32-bit). */
  packedFloats(field: number, vs: ArrayLike<number>): this {
    const b = new Uint8Array(4 * vs.length);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < vs.length; i++) dv.setFloat32(4 * i, vs[i]!, true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    return this.w.finish();
  }
}

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7, STRING: 8, DOUBLE: 11 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export type AttributeValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'floats'; readonly value: ArrayLike<number> }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] };

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface TensorSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: 'double' | 'float' | 'int64';
  readonly data: ArrayLike<number>;
}

export interface ValueSpec {
  readonly name: string;
  readonly type: 'double' | 'float' | 'int64' | 'string';
  /** A number, or a symbolic name (e.g. 'N' for the batch dimension). */
  readonly shape: readonly (number | string)[];
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly TensorSpec[];
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
}

export interface ModelSpec {
  readonly graph: GraphSpec;
  /** Operator sets, e.g. [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }]. */
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producerVersion: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

function attribute(name: string, a: AttributeValue): Message {
  const m = new Message().string(1, name);
  switch (a.kind) {
    case 'float':
      m.float32(2, a.value).int(20, AttrType.FLOAT);
      break;
    case 'int':
      m.int(3, a.value).int(20, AttrType.INT);
      break;
    case 'string':
      m.bytes(4, utf8.encode(a.value)).int(20, AttrType.STRING);
      break;
    case 'floats':
      m.packedFloats(7, a.value).int(20, AttrType.FLOATS);
      break;
    case 'ints':
      m.packedInts(8, a.value).int(20, AttrType.INTS);
      break;
    case 'strings':
      for (const s of a.value) m.bytes(9, utf8.encode(s));
      m.int(20, AttrType.STRINGS);
      break;
  }
  return m;
}

function tensor(t: TensorSpec): Message {
  const m = new Message().packedInts(1, t.dims);
  const code = t.type === 'double' ? DataType.DOUBLE : t.type === 'float' ? DataType.FLOAT : DataType.INT64;
  m.int(2, code).string(8, t.name);
  const n = t.data.length;
  const width = t.type === 'float' ? 4 : 8;
  const raw = new Uint8Array(n * width);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) {
    if (t.type === 'double') dv.setFloat64(8 * i, t.data[i]!, true);
    else if (t.type === 'float') dv.setFloat32(4 * i, t.data[i]!, true);
    else dv.setBigInt64(8 * i, BigInt(Math.trunc(t.data[i]!)), true);
  }
  return m.bytes(9, raw);
}

function valueInfo(v: ValueSpec): Message {
  const code =
    v.type === 'double'
      ? DataType.DOUBLE
      : v.type === 'float'
        ? DataType.FLOAT
        : v.type === 'int64'
          ? DataType.INT64
          : DataType.STRING;
  const shape = new Message();
  for (const d of v.shape)
    shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
  const tensorType = new Message().int(1, code).message(2, shape);
  return new Message().string(1, v.name).message(2, new Message().message(1, tensorType));
}

function node(n: NodeSpec, i: number): Message {
  const m = new Message();
  for (const x of n.inputs) m.string(1, x);
  for (const x of n.outputs) m.string(2, x);
  m.string(3, n.name ?? `${n.op}_${i}`).string(4, n.op);
  for (const [k, a] of Object.entries(n.attributes ?? {})) m.message(5, attribute(k, a));
  if (n.domain) m.string(7, n.domain);
  return m;
}

/**
 * Serialises a model to ONNX bytes (IR version 8).
 * @example encodeModel({ graph, opsets: [{ domain: '', version: 17 }], producerVersion: '0.1.0' }) // Uint8Array
 */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const g = new Message();
  spec.graph.nodes.forEach((n, i) => {
    g.message(1, node(n, i));
  });
  g.string(2, spec.graph.name);
  for (const t of spec.graph.initializers) g.message(5, tensor(t));
  for (const v of spec.graph.inputs) g.message(11, valueInfo(v));
  for (const v of spec.graph.outputs) g.message(12, valueInfo(v));
  const m = new Message().int(1, 8).string(2, 'aequa').string(3, spec.producerVersion);
  m.message(7, g);
  for (const o of spec.opsets) m.message(8, new Message().string(1, o.domain).int(2, o.version));
  for (const [k, v] of Object.entries(spec.metadata ?? {}))
    m.message(14, new Message().string(1, k).string(2, v));
  return m.finish();
}

/** Reads a varint at `pos`; returns [value, next position]. */
function readVarint(b: Uint8Array, pos: number): [number, number] {
  let x = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= b.length) throw new RangeError('truncated varint');
    const byte = b[pos++]!;
    x |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [Number(x), pos];
    shift += 7n;
    if (shift > 70n) throw new RangeError('varint too long');
  }
}

/** Iterates the top-level fields of a protobuf message: [field, wire type, payload or value]. */
function* fields(b: Uint8Array): Generator<[number, number, Uint8Array | number]> {
  let pos = 0;
  while (pos < b.length) {
    const [key, p1] = readVarint(b, pos);
    pos = p1;
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) {
      const [v, p2] = readVarint(b, pos);
      pos = p2;
      yield [field, wire, v];
    } else if (wire === 2) {
      const [len, p2] = readVarint(b, pos);
      if (p2 + len > b.length) throw new RangeError('truncated field');
      yield [field, wire, b.subarray(p2, p2 + len)];
      pos = p2 + len;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new RangeError(`unsupported wire type ${wire}`);
    }
  }
}

/**
 * Reads the `metadata_props` (ModelProto field 14) of an ONNX file: the key/value strings our
 * exporter writes (features, preprocessing, classes), or any producer's.
 * @throws RangeError when the bytes are not a protobuf message.
 */
export function readMetadata(model: Uint8Array): Record<string, string> {
  const dec = new TextDecoder();
  const out: Record<string, string> = {};
  for (const [field, wire, payload] of fields(model)) {
    if (field !== 14 || wire !== 2) continue;
    let key = '';
    let value = '';
    for (const [f, w, p] of fields(payload as Uint8Array)) {
      if (w !== 2) continue;
      if (f === 1) key = dec.decode(p as Uint8Array);
      else if (f === 2) value = dec.decode(p as Uint8Array);
    }
    out[key] = value;
  }
  return out;
}
