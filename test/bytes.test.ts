/**
 * The outputs' byte writer (cli/bytes.ts): whole numbers written as digits by hand — rows and
 * shared-string items in 32 bits, larger ones as doubles — exactly as `${v}` writes them.
 */
import { putWhole, Utf8Bytes } from "../src/cli/bytes";

test("putWhole writes every whole number as String(v) does, at each digit count's and bit length's edges and past 32 bits", () => {
  const values: number[] = [0, 1, 9];
  for (let p = 10; p <= 1e15; p *= 10) values.push(p - 1, p, p + 1);
  values.push(0x7fffffff, 0x80000000, 0xffffffff, 123456789012, 2 ** 40 + 3);
  // The digit count is worked out from the bit length: each bit length's edges too.
  for (let b = 1; b <= 31; b++) values.push(2 ** b - 1, 2 ** b);
  const buf = new Uint8Array(32);
  const dec = new TextDecoder();
  for (const v of values.filter((x) => x < 1e15)) expect([v, dec.decode(buf.subarray(3, putWhole(buf, 3, v)))]).toEqual([v, String(v)]);
  // The buffer's number(): negatives and fractions too.
  const o = new Utf8Bytes(64);
  for (const v of [-1, -2147483648, -99999999999, 0.5, 1e21, 2147483647]) {
    o.number(v);
    expect(dec.decode(o.take())).toBe(`${v}`);
  }
});
