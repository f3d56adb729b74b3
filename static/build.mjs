// Build front-end assets: copy GOV.UK Frontend's JS and images into static/govuk/
// (git-ignored) and compile static/scss/app.scss to static/css/app.css.
// Run with `npm run build`. Needs only node and the pinned `sass` devDependency.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const staticDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(staticDir);
const govukDist = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const govukOut = join(staticDir, "govuk");
const cssOut = join(staticDir, "css", "app.css");

if (!existsSync(govukDist)) {
  console.error("govuk-frontend is not installed: run `npm ci` first.");
  process.exit(1);
}

// 1. GOV.UK Frontend JavaScript (an ES module) and static assets. We skip the
// GDS Transport fonts: this service is not on GOV.UK and uses Arial.
rmSync(govukOut, { recursive: true, force: true });
mkdirSync(govukOut, { recursive: true });
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(join(govukDist, name), join(govukOut, name));
}
cpSync(join(govukDist, "assets", "images"), join(govukOut, "images"), { recursive: true });
cpSync(join(govukDist, "assets", "manifest.json"), join(govukOut, "manifest.json"));

// 2. Our Sass, which pulls in GOV.UK Frontend's Sass with Arial and our asset path.
const result = sass.compile(join(staticDir, "scss", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (result.css.includes("GDS Transport")) {
  console.error("app.css mentions GDS Transport: check $govuk-font-family in app.scss.");
  process.exit(1);
}
mkdirSync(dirname(cssOut), { recursive: true });
writeFileSync(cssOut, result.css + "\n");

const version = JSON.parse(readFileSync(join(govukDist, "..", "..", "package.json"), "utf8")).version;
console.log(`Built static/css/app.css and static/govuk/ from govuk-frontend ${version}`);
