// Builds static/vendor/nhsuk-frontend/ from the nhsuk-frontend package this folder pins (package-lock.json): `make vendor`.
//
//   node build.mjs [OUTPUT_DIR]     (default: ../../static/vendor/nhsuk-frontend)
//
// The script and its images are copied as the package has them. The stylesheet is the package's, less two things:
// - its @font-face rules, which fetch the Frutiger font from assets.nhs.uk. The font is licensed for nhs.uk only,
//   and our Content-Security-Policy (font-src 'self') refuses it anyway, with a console error on every page. Without
//   the rules the design system's own fallback in each font-family list (Arial) is used.
// - the rules for parts of the design system no page uses. A selector survives only if every class in it is named
//   somewhere in our templates, Python or scripts, or is one the design system's script adds to a component our
//   pages have (the character count's status line, the header's menu...), or is a modifier or attribute that script
//   builds from a component's name as it runs (below). Elements and custom properties are never removed. Class names
//   must be written in full where they are chosen: one assembled from parts (f"{base}--error") is not seen.
//   Checked once by comparing the computed style of every element, ::before and ::after on the pages a lead, a
//   practitioner and a visitor reach, at 390 and 1280 px, with the package's stylesheet and with this one.
// Run it again after adding a design-system component to a template: tests/web/test_vendored_css.py fails until the
// shipped file is what this script builds.
import { readFile, readdir, writeFile, mkdir, copyFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PurgeCSS } from "purgecss";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..");
const PACKAGE = join(HERE, "node_modules", "nhsuk-frontend");
const DIST = join(PACKAGE, "dist", "nhsuk");
const OUTPUT = resolve(process.argv[2] || join(ROOT, "static", "vendor", "nhsuk-frontend"));

const VERSION = JSON.parse(await readFile(join(PACKAGE, "package.json"), "utf8")).version;
const SCRIPT = join(DIST, "nhsuk-frontend.min.js");
const COPIED = ["nhsuk-frontend.min.js", "nhsuk-frontend.min.js.map"];
const IMAGES = ["favicon.ico", "favicon.svg", "nhsuk-icon-180.png"];

// Where class names are written: every template, the Python that builds forms and pages, and our scripts. The admin's
// templates are Django's, with their own stylesheet.
async function filesUnder(dir, extensions) {
  const names = await readdir(dir, { recursive: true });
  return names.filter((name) => extensions.some((ext) => name.endsWith(ext))).map((name) => join(dir, name)).sort();
}

const CONTENT = [
  ...(await filesUnder(join(ROOT, "templates"), [".html"])),
  ...(await filesUnder(join(ROOT, "assessments"), [".html", ".py"])),
  ...(await filesUnder(join(ROOT, "static", "js"), [".js"])),
];

// The classes the design system's script adds as it starts a component (nhsuk-character-count__status, ...), for the
// components our pages have: a component is named by its block, "nhsuk-header" in "nhsuk-header__link--x".
const block = (name) => name.split(/__|--/)[0];
async function scriptClassesForOurComponents() {
  const ours = new Set();
  for (const file of CONTENT) {
    for (const [name] of (await readFile(file, "utf8")).matchAll(/nhsuk-[a-z0-9_-]+/g)) ours.add(block(name));
  }
  const script = await readFile(SCRIPT, "utf8");
  const added = new Set([...script.matchAll(/nhsuk-[a-z0-9_-]+/g)].map(([name]) => name));
  return [...added].filter((name) => ours.has(block(name))).sort();
}

function withoutFontFaces(css) {
  // The minified file has no nested braces inside an @font-face rule.
  return css.replace(/@font-face\{[^}]*\}/g, "");
}

function withoutSourceMap(css) {
  return css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "");
}

const RUNTIME_MODIFIERS = /--(hidden|empty|dragging|selected|disabled|numeric|button|scrollable|scrollable-left)$/;

const original = await readFile(join(DIST, "nhsuk-frontend.min.css"), "utf8");
const css = withoutSourceMap(withoutFontFaces(original));
const [purged] = await new PurgeCSS().purge({
  content: [...CONTENT, { raw: (await scriptClassesForOurComponents()).join(" "), extension: "html" }],
  css: [{ raw: css }],
  safelist: {
    // js-enabled and nhsuk-frontend-supported are set on <body> by static/js/frontend-supported.js.
    // The design system's script builds these modifiers from a component's name as it runs (`${name}--hidden`), and
    // marks each component it has started with a data-<name>-init attribute (the character count shows its message
    // only then).
    standard: ["js-enabled", "nhsuk-frontend-supported", RUNTIME_MODIFIERS],
    greedy: [/^data-nhsuk-[a-z-]+-init$/],
  },
  fontFace: false,
  keyframes: false,
  variables: false,
});

const banner =
  `/* nhsuk-frontend ${VERSION} (MIT, see LICENSE), built by scripts/nhsuk-frontend/build.mjs: the package's ` +
  `nhsuk-frontend.min.css without its web font rules and without the rules of parts no page uses. */\n`;
await mkdir(join(OUTPUT, "assets", "images"), { recursive: true });
// @charset must stay the very first thing in the file, so the banner follows it.
const charset = '@charset "UTF-8";';
const body = purged.css.trim();
const built = body.startsWith(charset) ? `${charset}\n${banner}${body.slice(charset.length)}\n` : `${banner}${body}\n`;
await writeFile(join(OUTPUT, "nhsuk-frontend.min.css"), built);
for (const name of COPIED) await copyFile(join(DIST, name), join(OUTPUT, name));
for (const name of IMAGES) await copyFile(join(DIST, "assets", "images", name), join(OUTPUT, "assets", "images", name));
console.log(
  `nhsuk-frontend ${VERSION}: stylesheet ${original.length} -> ${built.length} ` +
    `bytes; written to ${OUTPUT}`,
);
