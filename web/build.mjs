// Builds the storefront page into bazaar/server/static/ (shipped in the Python package, so
// `pip install` users need no npm): app.js bundled by esbuild from web/src (viem and the
// contracts' ABIs from bazaar/artifacts), and the page's static files copied.
//   node web/build.mjs            build into bazaar/server/static
//   node web/build.mjs --out DIR  build into DIR (the test compares it with the shipped one)
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const web = dirname(fileURLToPath(import.meta.url));
const at = process.argv.indexOf("--out");
const out = resolve(at > 0 ? process.argv[at + 1] : join(web, "..", "bazaar", "server", "static"));
mkdirSync(out, { recursive: true });

// `import { abi } from "abi:EscrowMarketplace"`: only the ABI of a shipped artifact (its
// bytecode stays out of the bundle), straight from bazaar/artifacts, the one source of truth.
const abiOnly = {
  name: "abi",
  setup(b) {
    b.onResolve({ filter: /^abi:/ }, (args) => ({ path: args.path.slice(4), namespace: "abi" }));
    b.onLoad({ filter: /.*/, namespace: "abi" }, (args) => {
      const artifact = join(web, "..", "bazaar", "artifacts", `${args.path}.json`);
      const { abi } = JSON.parse(readFileSync(artifact, "utf8"));
      return { contents: `export const abi = ${JSON.stringify(abi)};`, loader: "js", watchFiles: [artifact] };
    });
  },
};

await build({
  plugins: [abiOnly],
  entryPoints: [join(web, "src", "main.js")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
});
for (const name of ["index.html", "app.css", "favicon.svg"]) copyFileSync(join(web, name), join(out, name));

const bundle = readFileSync(join(out, "app.js"));
const kib = (n) => (n / 1024).toFixed(1);
console.log(`app.js: ${kib(bundle.length)} KiB, ${kib(gzipSync(bundle, { level: 9 }).length)} KiB gzipped -> ${out}`);
