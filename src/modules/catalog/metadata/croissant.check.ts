/**
 * A checker for the Croissant 1.1 REQUIRED properties and their types, for tests and for the
 * release step to refuse metadata it should not publish. Pure; returns messages, empty when valid.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const many = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const isText = (v: unknown) => typeof v === 'string' && v.trim() !== '';
const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/[^\s]+$/i.test(v);
const isDate = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(v);
const hasType = (v: unknown, ...names: string[]) => many(v).some((t) => typeof t === 'string' && names.includes(t));
const SCHEMA = ['http://schema.org/', 'https://schema.org/'];
const scNames = (local: string) => [`sc:${local}`, local, ...SCHEMA.map((s) => s + local)];
const crNames = (local: string) => [`cr:${local}`, local, `http://mlcommons.org/croissant/${local}`];

/**
 * Problems with a Croissant 1.1 document's required properties, each naming the property and where.
 * `requireDistribution` (default true) demands at least one FileObject or FileSet.
 *
 * @example checkCroissant({ '@type': 'sc:Dataset' }) // ["dataset: missing required '@context'", …]
 */
export function checkCroissant(doc: unknown, opts: { requireDistribution?: boolean } = {}): string[] {
  const out: string[] = [];
  if (!isObj(doc)) return ['dataset: not a JSON object'];
  const need = (o: Obj, key: string, where: string, ok: (v: unknown) => boolean, what: string) => {
    if (!(key in o) || o[key] === undefined) out.push(`${where}: missing required '${key}'`);
    else if (!ok(o[key])) out.push(`${where}: '${key}' must be ${what}`);
  };
  need(doc, '@context', 'dataset', (v) => isObj(v) || isUrl(v) || Array.isArray(v), 'a context object or URL');
  need(doc, '@type', 'dataset', (v) => hasType(v, ...scNames('Dataset')), 'sc:Dataset');
  const conformsKey = 'dct:conformsTo' in doc ? 'dct:conformsTo' : 'conformsTo';
  need(
    doc,
    conformsKey,
    'dataset',
    (v) => many(v).some((x) => typeof x === 'string' && x === 'http://mlcommons.org/croissant/1.1'),
    'http://mlcommons.org/croissant/1.1',
  );
  need(doc, 'name', 'dataset', isText, 'non-empty Text');
  need(doc, 'description', 'dataset', isText, 'non-empty Text');
  need(
    doc,
    'license',
    'dataset',
    (v) => many(v).length > 0 && many(v).every((l) => isUrl(l) || (isObj(l) && hasType(l['@type'], ...scNames('CreativeWork')))),
    'a URL or CreativeWork',
  );
  need(doc, 'url', 'dataset', isUrl, 'an absolute URL');
  need(
    doc,
    'creator',
    'dataset',
    (v) =>
      many(v).length > 0 &&
      many(v).every((c) => isObj(c) && hasType(c['@type'], ...scNames('Organization'), ...scNames('Person')) && isText(c.name)),
    'an Organization or Person with a name',
  );
  need(doc, 'datePublished', 'dataset', isDate, 'an ISO 8601 Date or DateTime');

  const ids = new Set<string>();
  const fileIds = new Set<string>();
  const addId = (id: unknown, where: string) => {
    if (typeof id !== 'string') return;
    if (ids.has(id)) out.push(`${where}: duplicate '@id' ${id}`);
    ids.add(id);
  };
  if (!Array.isArray(doc.distribution) && doc.distribution !== undefined && !isObj(doc.distribution)) {
    out.push("dataset: 'distribution' must be FileObject or FileSet objects");
  }
  const dists = many(doc.distribution);
  if (dists.length === 0 && opts.requireDistribution !== false) {
    out.push("dataset: missing required 'distribution' (at least one FileObject or FileSet)");
  }
  dists.forEach((f, i) => {
    const where = `distribution[${i}]`;
    if (!isObj(f)) return void out.push(`${where}: not an object`);
    need(f, '@id', where, isText, 'non-empty Text');
    need(f, 'name', where, isText, 'non-empty Text');
    need(f, 'encodingFormat', where, (v) => typeof v === 'string' && /^[\w.+-]+\/[\w.+-]+/.test(v), 'a MIME type');
    addId(f['@id'], where);
    if (typeof f['@id'] === 'string') fileIds.add(f['@id']);
    if (hasType(f['@type'], ...crNames('FileObject'))) {
      need(f, 'contentUrl', where, isUrl, 'an absolute URL');
      const sha = f.sha256;
      const md5 = f.md5;
      if (sha === undefined && md5 === undefined) out.push(`${where}: missing required 'sha256' or 'md5'`);
      if (sha !== undefined && !(typeof sha === 'string' && /^[0-9a-f]{64}$/i.test(sha))) {
        out.push(`${where}: 'sha256' must be 64 hex digits`);
      }
      if (md5 !== undefined && !(typeof md5 === 'string' && /^[0-9a-f]{32}$/i.test(md5))) {
        out.push(`${where}: 'md5' must be 32 hex digits`);
      }
    } else if (hasType(f['@type'], ...crNames('FileSet'))) {
      need(f, 'includes', where, (v) => many(v).length > 0 && many(v).every(isText), 'glob Text');
    } else {
      out.push(`${where}: '@type' must be cr:FileObject or cr:FileSet`);
    }
  });

  many(doc.recordSet).forEach((rs, i) => {
    const where = `recordSet[${i}]`;
    if (!isObj(rs)) return void out.push(`${where}: not an object`);
    if (!hasType(rs['@type'], ...crNames('RecordSet'))) out.push(`${where}: '@type' must be cr:RecordSet`);
    need(rs, '@id', where, isText, 'non-empty Text');
    need(rs, 'name', where, isText, 'non-empty Text');
    addId(rs['@id'], where);
    const fields = many(rs.field);
    if (fields.length === 0) out.push(`${where}: missing required 'field'`);
    fields.forEach((fd, j) => {
      const w = `${where}.field[${j}]`;
      if (!isObj(fd)) return void out.push(`${w}: not an object`);
      if (!hasType(fd['@type'], ...crNames('Field'))) out.push(`${w}: '@type' must be cr:Field`);
      need(fd, '@id', w, isText, 'non-empty Text');
      need(fd, 'name', w, isText, 'non-empty Text');
      need(
        fd,
        'dataType',
        w,
        (v) => many(v).length > 0 && many(v).every((t) => typeof t === 'string' && /^(sc|cr|https?):/.test(t)),
        'a type IRI such as sc:Text',
      );
      addId(fd['@id'], w);
      need(
        fd,
        'source',
        w,
        (v) => {
          if (!isObj(v)) return false;
          const ref = (r: unknown) => isObj(r) && typeof r['@id'] === 'string';
          if (ref(v.fileObject) || ref(v.fileSet)) {
            const target = (v.fileObject ?? v.fileSet) as Obj;
            return fileIds.has(target['@id'] as string) && isObj(v.extract);
          }
          return ref(v) || ref(v.field);
        },
        'a fileObject/fileSet reference to a declared distribution with an extract, or a field reference',
      );
    });
  });
  return out;
}
