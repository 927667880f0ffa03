// Writes src/generated/<service>.ts from ../../proto/<service>.openapi.json
// with openapi-typescript: the types of every path, parameter, body and
// answer. `scripts/ts.sh` runs it and fails when the result differs from
// what is committed (the documents changed, the client did not).
import { readFile, writeFile, mkdir } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";

const services = ["file-server", "feedback-api", "recommendation", "admin-api"];
const here = new URL(".", import.meta.url);

await mkdir(new URL("src/generated/", here), { recursive: true });
for (const service of services) {
  const document = JSON.parse(
    await readFile(new URL(`../../proto/${service}.openapi.json`, here), "utf8"),
  );
  const ast = await openapiTS(document, { alphabetize: true });
  const header =
    `// Generated from proto/${service}.openapi.json by generate.mjs ` +
    `(openapi-typescript): do not edit.\n\n`;
  await writeFile(new URL(`src/generated/${service}.ts`, here), header + astToString(ast));
}
