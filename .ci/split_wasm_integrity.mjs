// Rewrites the subresource-integrity hashes trunk put in index.html for files that
// .ci/split_wasm replaced, so the browser accepts the new ones.
// Usage: node split_wasm_integrity.mjs <dist dir> <file>...
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const [dist, ...files] = process.argv.slice(2);
const htmlPath = path.join(dist, 'index.html');
let html = fs.readFileSync(htmlPath, 'utf8');
for (const file of files) {
  const digest = crypto.createHash('sha384').update(fs.readFileSync(path.join(dist, file))).digest('base64');
  // Each tag naming the file: replace its integrity attribute, whatever the order.
  const tag = new RegExp(`<[^>]*/${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`, 'g');
  let found = 0;
  html = html.replace(tag, (t) => {
    found += 1;
    return t.replace(/integrity="[^"]*"/, `integrity="sha384-${digest}"`);
  });
  if (found === 0) {
    console.error(`split_wasm: index.html names no ${file}`);
    process.exit(1);
  }
}
fs.writeFileSync(htmlPath, html);
