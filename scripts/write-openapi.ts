/**
 * Writes the OpenAPI document to docs/openapi.json. It is checked in so that an API change shows as
 * a diff; a test fails when the file and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { renderOpenApi } from '../test/support/openapi.js';

writeFileSync(new URL('../docs/openapi.json', import.meta.url), await renderOpenApi());
process.stdout.write('wrote docs/openapi.json\n');
