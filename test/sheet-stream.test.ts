/**
 * The byte tokenizer the annotated copy and its read-back walk sheets with: whatever the pieces a
 * part comes in — a tag, a comment, a CDATA section or a long attribute straddling a piece's end —
 * it hands over the same tags as for the part whole.
 */
import fc from "fast-check";
import { ByteTokenizer, CLOSE, EMPTY, type ByteTok } from "../src/file/sheet-stream";

const enc = new TextEncoder();
const dec = new TextDecoder();

function tokens(pieces: Uint8Array[]): string[] {
  const out: string[] = [];
  const tok = new ByteTokenizer({
    token: (b: Uint8Array, t: ByteTok) => void out.push(`${t.kind === CLOSE ? "/" : t.kind === EMPTY ? "!" : ""}${dec.decode(b.subarray(t.nameStart, t.nameEnd))}${t.text ? "+text" : ""}@${dec.decode(b.subarray(t.start, t.end)).length}`),
    pause: () => undefined,
  });
  for (const p of pieces) tok.push(p);
  tok.end();
  return out;
}

const bit = fc.oneof(
  fc.constant('<row r="1">'),
  fc.constant("</row>"),
  fc.integer({ min: 1, max: 9000 }).map((n) => `<c r="A1" t="${"x".repeat(n)}"/>`),
  fc.integer({ min: 0, max: 9000 }).map((n) => `<!--${"<row>".repeat(n / 5)}-->`),
  fc.integer({ min: 0, max: 9000 }).map((n) => `<t><![CDATA[${"<c>".repeat(n / 3)}]]></t>`),
  fc.constant('<x:c r="B2" a=">"><x:v>1</x:v></x:c>'),
  fc.constant("文字"),
);

test("property: the same tags for a part in any pieces as for the part whole", () => {
  fc.assert(
    fc.property(fc.array(bit, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), (bits, cuts) => {
      const whole = enc.encode(`<sheetData>${bits.join("")}</sheetData>`);
      const at = [...new Set(cuts.map((c) => c % whole.length))].sort((a, b) => a - b);
      const pieces: Uint8Array[] = [];
      let from = 0;
      for (const c of at) {
        pieces.push(whole.subarray(from, c));
        from = c;
      }
      pieces.push(whole.subarray(from));
      expect(tokens(pieces)).toEqual(tokens([whole]));
    }),
    { numRuns: 200 },
  );
});
