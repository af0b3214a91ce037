import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { openApiToTypeScript, renderApiSchema, type OpenApiDocument } from './openapi-types.js';

/** The generated text for one schema named S, with whitespace collapsed, for short expectations. */
function schemaType(schema: unknown): string {
  const text = openApiToTypeScript({ components: { schemas: { S: schema } } });
  const body = text.slice(text.indexOf('S: ') + 3, text.indexOf('\n  };\n}'));
  return body.replace(/\s+/g, ' ').replace(/;$/, '').trim();
}

/** Type-checks TypeScript source with the compiler (a real program, not a transpile), returning the diagnostics. */
function typeErrors(files: Record<string, string>): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'openapi-types-'));
  try {
    const names = Object.entries(files).map(([name, text]) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    });
    const program = ts.createProgram(names, {
      strict: true,
      noEmit: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('openApiToTypeScript: JSON Schema', () => {
  it('maps the primitive types, integer to number', () => {
    expect(schemaType({ type: 'string', format: 'date-time' })).toBe('string');
    expect(schemaType({ type: 'integer', minimum: 0 })).toBe('number');
    expect(schemaType({ type: 'number' })).toBe('number');
    expect(schemaType({ type: 'boolean' })).toBe('boolean');
    expect(schemaType({ type: 'null' })).toBe('null');
  });

  it('turns an array of types into a union, so nullable is `| null`', () => {
    expect(schemaType({ type: ['string', 'null'] })).toBe('string | null');
    expect(schemaType({ type: ['number', 'null'] })).toBe('number | null');
    expect(schemaType({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('string | null');
    expect(schemaType({ type: 'string', nullable: true })).toBe('string | null');
  });

  it('writes enum and const as literals', () => {
    expect(schemaType({ type: 'string', enum: ['open', "it's", 'safe_zone'] })).toBe("'open' | 'it\\'s' | 'safe_zone'");
    expect(schemaType({ type: ['string', 'null'], enum: ['a', null] })).toBe("'a' | null");
    expect(schemaType({ enum: [1, 2, true] })).toBe('1 | 2 | true');
    expect(schemaType({ type: 'string', const: 'table' })).toBe("'table'");
  });

  it('writes anyOf and oneOf as unions, allOf as an intersection', () => {
    expect(schemaType({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toBe('string | number');
    expect(schemaType({ allOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] })).toBe(
      "components['schemas']['A'] & components['schemas']['B']",
    );
    expect(schemaType({ allOf: [{ type: ['string', 'null'] }, { type: 'string' }] })).toBe('(string | null) & string');
  });

  it('follows $ref to components.schemas and gives up (unknown) on any other $ref', () => {
    expect(schemaType({ $ref: '#/components/schemas/Release', description: 'a release' })).toBe("components['schemas']['Release']");
    expect(schemaType({ $ref: 'https://example.org/other.json#/x' })).toBe('unknown');
  });

  it('writes properties, optional unless required, quoting names that are not identifiers, with TSDoc', () => {
    expect(
      schemaType({
        type: 'object',
        properties: { id: { type: 'string', description: 'The id' }, 'content-type': { type: 'string' }, $ok: { type: 'integer' } },
        required: ['id'],
        additionalProperties: false,
      }),
    ).toBe("{ /** The id */ id: string; 'content-type'?: string; $ok?: number; }");
  });

  it('writes additionalProperties as a Record, or as an index signature next to properties', () => {
    expect(schemaType({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'number' } })).toBe(
      'Record<string, number>',
    );
    expect(schemaType({ type: 'object', additionalProperties: {} })).toBe('Record<string, unknown>');
    expect(schemaType({ type: 'object' })).toBe('Record<string, unknown>');
    expect(schemaType({ type: 'object', additionalProperties: false })).toBe('Record<string, never>');
    expect(
      schemaType({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: { type: 'string' } }),
    ).toBe('{ n: number; [key: string]: string | number; }');
    expect(schemaType({ type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: {} })).toBe(
      '{ n?: number; [key: string]: unknown; }',
    );
  });

  it('writes items as an array and prefixItems as a tuple, parenthesising unions', () => {
    expect(schemaType({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(schemaType({ type: 'array', items: { type: ['string', 'null'] } })).toBe('(string | null)[]');
    expect(schemaType({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } })).toBe('(string | number)[]');
    expect(schemaType({ type: 'array' })).toBe('unknown[]');
    expect(schemaType({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false })).toBe('[string, number]');
    expect(schemaType({ type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'boolean' } })).toBe('[string, ...boolean[]]');
    expect(schemaType({ type: ['array', 'null'], items: { type: 'integer' } })).toBe('number[] | null');
  });

  it('makes anything it does not understand unknown, never any', () => {
    expect(schemaType({})).toBe('unknown');
    expect(schemaType({ not: { type: 'string' } })).toBe('unknown');
    expect(schemaType({ type: 'frobnicate' })).toBe('unknown');
    expect(schemaType({ type: ['string', 'frobnicate'] })).toBe('unknown');
    expect(schemaType(true)).toBe('unknown');
    expect(openApiToTypeScript({ components: { schemas: { S: {}, T: { type: 'wat' } } } })).not.toMatch(/\bany\b/);
  });

  it('closes comments that would end the TSDoc early', () => {
    expect(schemaType({ type: 'string', description: 'a */ b' })).toBe('string');
    expect(openApiToTypeScript({ components: { schemas: { S: { type: 'string', description: 'a */ b' } } } })).toContain('/** a *\\/ b */');
  });
});

describe('openApiToTypeScript: paths', () => {
  const document: OpenApiDocument = {
    components: { schemas: { Release: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } },
    paths: {
      '/api/v1/releases/{id}': {
        get: {
          summary: 'One release',
          parameters: [
            { in: 'path', name: 'id', required: true, schema: { type: 'string' } },
            { in: 'query', name: 'expand', schema: { type: 'boolean' }, description: 'Add the files' },
          ],
          responses: {
            200: { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Release' } } } },
            204: { description: 'Nothing' },
          },
        },
        post: {
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: {} } } } },
          responses: {},
        },
      },
    },
  };

  it('writes parameters by place, request bodies and responses by status and media type', () => {
    const text = openApiToTypeScript(document);
    const paths = text.slice(text.indexOf('export interface paths')).replace(/\s+/g, ' ');
    expect(paths).toContain(
      "'/api/v1/releases/{id}': { /** One release */ get: { parameters: { query?: { /** Add the files */ expand?: boolean; }; header?: never; path: { id: string; }; cookie?: never; }; requestBody?: never; responses: { 200: { content: { 'application/json': components['schemas']['Release']; }; }; 204: { content?: never; }; }; };",
    );
    expect(paths).toContain(
      "post: { parameters: { query?: never; header?: never; path?: never; cookie?: never; }; requestBody: { content: { 'application/json': Record<string, unknown>; }; }; responses: Record<string, never>; };",
    );
  });

  it('starts with the generated-file header and is deterministic', () => {
    const text = openApiToTypeScript(document);
    expect(text.startsWith('// Generated by `npm run openapi`')).toBe(true);
    expect(text).toContain('Do not edit');
    expect(openApiToTypeScript(document)).toBe(text);
  });

  it('compiles, and the aliases the web app writes resolve to the right types', () => {
    const errors = typeErrors({
      'schema.ts': openApiToTypeScript(document),
      'use.ts': [
        "import type { components, paths } from './schema';",
        "type Release = components['schemas']['Release'];",
        "type One = paths['/api/v1/releases/{id}']['get']['responses'][200]['content']['application/json'];",
        "export const a: Release = { id: 'x' };",
        'export const b: One = a;',
        "type Query = NonNullable<paths['/api/v1/releases/{id}']['get']['parameters']['query']>;",
        'export const q: Query = { expand: true };',
        '// @ts-expect-error id is required',
        'export const c: Release = {};',
      ].join('\n'),
    });
    expect(errors).toEqual([]);
  });
});

describe('the generated types of the real API', () => {
  const document = JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8')) as OpenApiDocument;

  it('type-check without errors and name every schema and path', async () => {
    const text = await renderApiSchema(document);
    expect(text).not.toMatch(/:\s*any\b/);
    for (const name of Object.keys(document.components?.schemas ?? {})) expect(text).toContain(`\n    ${name}:`);
    for (const p of Object.keys(document.paths ?? {})) expect(text).toContain(`\n  '${p}': {`);
    expect(typeErrors({ 'api-schema.ts': text })).toEqual([]);
  });

  it('is the checked-in web/src/api-schema.ts of the checked-in docs/openapi.json', async () => {
    const checkedIn = readFileSync(new URL('../web/src/api-schema.ts', import.meta.url), 'utf8');
    expect(checkedIn, 'web/src/api-schema.ts is out of date: run `npm run openapi`').toBe(await renderApiSchema(document));
  });
});
