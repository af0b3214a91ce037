/**
 * A small RDF graph model and two writers over it, Turtle and JSON-LD, so both serialisations of
 * one graph describe the same triples by construction. Pure; no RDF library at run time.
 */

export type Literal = { value: string; lang?: string; datatype?: string };
export type Iri = { iri: string };
/** A node: named (`id`, an IRI) or blank, with its types and properties (full IRIs). */
export interface RdfNode {
  id?: string;
  types: string[];
  props: Array<[string, Term]>;
}
export type Term = Iri | Literal | RdfNode;

const isIri = (t: Term): t is Iri => 'iri' in t;
const isLiteral = (t: Term): t is Literal => 'value' in t;

/** Prefixes the writers use for predicates and types. */
export type Prefixes = Record<string, string>;

/**
 * A Turtle string literal body: `\`, `"`, line breaks and other control characters escaped.
 *
 * @example turtleString('a "b"\n') // '"a \\"b\\"\\n"'
 */
export function turtleString(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  const body = s.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return `"${body}"`;
}

/**
 * An IRI with the characters no IRI may hold (spaces, controls, `<>"{}|^\`` and backslash)
 * percent-encoded, so both writers emit the same valid IRI.
 *
 * @example safeIri('https://x.kr/a b') // 'https://x.kr/a%20b'
 */
export function safeIri(iri: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be encoded
  return iri.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => encodeURIComponent(c));
}

/**
 * An IRI as a Turtle IRIREF.
 *
 * @example turtleIri('https://x.kr/a b') // '<https://x.kr/a%20b>'
 */
export function turtleIri(iri: string): string {
  return `<${safeIri(iri)}>`;
}

function compact(iri: string, prefixes: Prefixes): string {
  for (const [p, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns)) {
      const local = iri.slice(ns.length);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(local)) return `${p}:${local}`;
    }
  }
  return turtleIri(iri);
}

/**
 * Turtle for the given top-level nodes: named nodes (nested ones too) become subject blocks,
 * blank nodes are written inline as `[ … ]`.
 *
 * @example toTurtle([{ id: 'https://x.kr/c', types: [DCAT + 'Catalog'], props: [] }], { dcat: DCAT })
 */
export function toTurtle(roots: RdfNode[], prefixes: Prefixes): string {
  const blocks: string[] = [];
  const seen = new Set<string>();
  const queue: RdfNode[] = [...roots];
  const term = (t: Term, indent: string): string => {
    if (isIri(t)) return compact(t.iri, prefixes);
    if (isLiteral(t)) {
      if (t.lang) return `${turtleString(t.value)}@${t.lang}`;
      if (t.datatype) return `${turtleString(t.value)}^^${compact(t.datatype, prefixes)}`;
      return turtleString(t.value);
    }
    if (t.id !== undefined) {
      queue.push(t);
      return compact(t.id, prefixes);
    }
    return `[\n${body(t, `${indent}    `)}\n${indent}]`;
  };
  const body = (n: RdfNode, indent: string): string => {
    const lines: string[] = [];
    if (n.types.length > 0) lines.push(`${indent}a ${n.types.map((t) => compact(t, prefixes)).join(', ')}`);
    for (const [p, o] of n.props) lines.push(`${indent}${compact(p, prefixes)} ${term(o, indent)}`);
    return lines.join(' ;\n');
  };
  while (queue.length > 0) {
    const n = queue.shift()!;
    if (n.id === undefined) {
      blocks.push(`[] ${body(n, '    ').trimStart()} .`);
      continue;
    }
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    const b = body(n, '    ');
    if (b !== '') blocks.push(`${turtleIri(n.id)}\n${b} .`);
  }
  const head = Object.entries(prefixes).map(([p, ns]) => `@prefix ${p}: ${turtleIri(ns)} .`);
  return `${head.join('\n')}\n\n${blocks.join('\n\n')}\n`;
}

function compactKey(iri: string, prefixes: Prefixes): string {
  for (const [p, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(iri.slice(ns.length))) return `${p}:${iri.slice(ns.length)}`;
  }
  return iri;
}

/**
 * The same graph as a JSON-LD tree (named nodes embedded where referenced), with the prefixes as
 * its inline `@context`: nothing is fetched to read it.
 *
 * @example toJsonLd(catalogNode, { dcat: DCAT })['@context'] // { dcat: 'http://www.w3.org/ns/dcat#' }
 */
export function toJsonLd(root: RdfNode, prefixes: Prefixes): Record<string, unknown> {
  const node = (n: RdfNode): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    if (n.id !== undefined) o['@id'] = safeIri(n.id);
    if (n.types.length > 0) o['@type'] = n.types.map((t) => compactKey(t, prefixes));
    for (const [p, t] of n.props) {
      const key = compactKey(p, prefixes);
      const v = isIri(t)
        ? { '@id': safeIri(t.iri) }
        : isLiteral(t)
          ? t.lang
            ? { '@value': t.value, '@language': t.lang }
            : t.datatype
              ? { '@value': t.value, '@type': compactKey(t.datatype, prefixes) }
              : { '@value': t.value }
          : node(t);
      const prev = o[key];
      o[key] = prev === undefined ? [v] : [...(prev as unknown[]), v];
    }
    return o;
  };
  return { '@context': { ...prefixes }, ...node(root) };
}
