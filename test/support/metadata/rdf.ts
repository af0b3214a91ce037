/** RDF helpers for the metadata tests: parsing and canonical comparison, with no network. */
import jsonld from 'jsonld';
import { Parser, Writer } from 'n3';

/** A document loader that fetches nothing: serves the given contexts, refuses anything else. */
export function offlineLoader(contexts: Record<string, unknown> = {}) {
  return async (url: string) => {
    if (url in contexts) return { contextUrl: undefined, documentUrl: url, document: contexts[url] };
    throw new Error(`offline: refused to fetch ${url}`);
  };
}

/** A JSON-LD document as N-Quads lines (jsonld.toRDF, safe mode: nothing dropped silently). */
export async function jsonLdToNQuads(doc: unknown, contexts: Record<string, unknown> = {}): Promise<string[]> {
  const nq = (await jsonld.toRDF(
    doc as jsonld.JsonLdDocument,
    {
      format: 'application/n-quads',
      documentLoader: offlineLoader(contexts),
      safe: true,
    } as jsonld.Options.ToRdf,
  )) as unknown as string;
  return nq.split('\n').filter((l) => l !== '');
}

/** Turtle parsed by n3, written back as N-Triples lines. */
export function turtleToNTriples(ttl: string): string[] {
  const quads = new Parser({ format: 'text/turtle' }).parse(ttl);
  const w = new Writer({ format: 'N-Triples' });
  w.addQuads(quads);
  let out = '';
  w.end((err, result: string) => {
    if (err) throw err;
    out = result;
  });
  return out.split('\n').filter((l) => l !== '');
}

/** The canonical (RDFC-1.0 / URDNA2015) N-Quads lines of a set of N-Quads lines, sorted. */
export async function canonical(lines: string[]): Promise<string[]> {
  const input = (lines.join('\n') + '\n') as unknown as jsonld.JsonLdDocument;
  const c = (await jsonld.canonize(input, {
    algorithm: 'URDNA2015',
    inputFormat: 'application/n-quads',
    format: 'application/n-quads',
    safe: true,
  } as jsonld.Options.Normalize)) as unknown as string;
  return c
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}
