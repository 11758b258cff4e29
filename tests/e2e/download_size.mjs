// The first-load download of a release build: index.html and every wasm, JS and CSS
// file it names, as brotli at the quality a static host uses (11). One definition for
// the benchmark's figure and the size budget's test.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** @returns {{raw: number, gzip: number, brotli: number, files: string[]}} bytes */
export function firstLoadSize(dir) {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const files = fs.readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f) && html.includes(f));
  // What the page's scripts import statically loads at once too (the loader of the
  // deferred pages' parts); the parts themselves are fetched only when opened.
  for (let i = 0; i < files.length; i++) {
    if (!files[i].endsWith('.js')) continue;
    const js = fs.readFileSync(path.join(dir, files[i]), 'utf8');
    for (const [, name] of js.matchAll(/(?:^|\n)\s*import\b[^'"]*['"]\.\/([^'"]+)['"]/g)) {
      if (!files.includes(name)) files.push(name);
    }
  }
  let raw = Buffer.byteLength(html);
  let gzip = zlib.gzipSync(html).length;
  let brotli = zlib.brotliCompressSync(html).length;
  for (const f of files) {
    const b = fs.readFileSync(path.join(dir, f));
    raw += b.length;
    gzip += zlib.gzipSync(b, { level: 9 }).length;
    brotli += zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gzip, brotli, files };
}

/** Every part a deferred page may fetch later: their total, for the README's table. */
export function laterPartsSize(dir) {
  const first = new Set(firstLoadSize(dir).files);
  let brotli = 0;
  const files = fs.readdirSync(dir).filter((f) => /\.wasm$/.test(f) && !first.has(f));
  for (const f of files) {
    const b = fs.readFileSync(path.join(dir, f));
    brotli += zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { brotli, files };
}
