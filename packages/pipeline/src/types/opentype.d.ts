/** The part of opentype.js (MIT, no bundled types) that the synthetic figures use to draw text as paths. */
declare module 'opentype.js' {
  interface Path {
    toPathData(options?: { decimalPlaces?: number; optimize?: boolean; flipY?: boolean }): string;
  }
  interface Glyph {
    advanceWidth?: number;
    getPath(x: number, y: number, fontSize: number): Path;
  }
  interface Font {
    unitsPerEm: number;
    charToGlyph(c: string): Glyph;
    getKerningValue(left: Glyph, right: Glyph): number;
  }
  function parse(buffer: ArrayBuffer | Uint8Array): Font;
  const opentype: { parse: typeof parse };
  export default opentype;
  export { parse, type Font, type Glyph, type Path };
}
