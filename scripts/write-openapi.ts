/**
 * Writes the OpenAPI document to docs/openapi.json, and the web app's API types generated from it to
 * web/src/api-schema.ts. Both are checked in so that an API change shows as a diff; a test fails when
 * either file and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { renderOpenApi } from '../test/support/openapi.js';
import { renderApiSchema } from './openapi-types.js';

const document = await renderOpenApi();
writeFileSync(new URL('../docs/openapi.json', import.meta.url), document);
writeFileSync(new URL('../web/src/api-schema.ts', import.meta.url), await renderApiSchema(JSON.parse(document)));
process.stdout.write('wrote docs/openapi.json and web/src/api-schema.ts\n');
