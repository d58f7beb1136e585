import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/* Test infrastructure: checks HTTP exchanges against Brevo's OpenAPI document (plus documented newer facts). */

type Json = Record<string, unknown>;
export interface OpenApiDoc {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; responses?: Record<string, Json> };
}

/**
 * Parses the spec once per machine: YAML parsing of the 25k-line file takes seconds, so the result is kept
 * as JSON in the temp folder, keyed by the file's size and mtime, for every later test file and run.
 */
export function loadBrevoSpec(specsDir: string): OpenApiDoc {
  const file = path.join(specsDir, 'brevo-openapi-v3.yml');
  const st = statSync(file);
  const cache = path.join(os.tmpdir(), `pipebridge-brevo-spec-${st.size}-${Math.floor(st.mtimeMs)}.json`);
  try {
    return JSON.parse(readFileSync(cache, 'utf8')) as OpenApiDoc;
  } catch {
    // not cached yet (or unreadable): parse the YAML below
  }
  const doc = parse(readFileSync(file, 'utf8')) as OpenApiDoc;
  try {
    const tmp = `${cache}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, cache);
  } catch {
    // a read-only temp folder only costs speed
  }
  return doc;
}

export interface Exchange {
  method: string;
  /** Path relative to /v3, with its query string. */
  url: string;
  requestBody?: string;
  requestContentType?: string;
  status: number;
  responseBody: string;
  responseContentType?: string;
  /** Who sent it: 'client' exchanges must be valid requests; 'probe' ones may be wrong on purpose. */
  tag?: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rewrites local refs so they resolve against the components document registered in Ajv. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!isObj(schema)) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `brevo${v}` : rebase(v);
  return out;
}

export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<unknown, ValidateFunction>();
  private readonly templates: { template: string; re: RegExp; ops: Record<string, Json> }[];

  constructor(private readonly doc: OpenApiDoc) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // Brevo's document uses formats that are not JSON Schema ones; they carry no constraint we can check.
    for (const f of ['objectID', 'mobile', 'uuidv4', 'in64', 'string', 'integer', 'datetime']) this.ajv.addFormat(f, true);
    // ajv-formats' `url` refuses loopback hosts, which every local webhook receiver in tests uses.
    this.ajv.addFormat('url', (s: string) => {
      try {
        return ['http:', 'https:'].includes(new URL(s).protocol);
      } catch {
        return false;
      }
    });
    this.ajv.addSchema({ components: doc.components }, 'brevo');
    this.templates = Object.entries(doc.paths).map(([template, ops]) => ({
      template,
      re: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      ops,
    }));
  }

  private resolve(schema: unknown): Json | undefined {
    let s = schema;
    for (let i = 0; i < 10 && isObj(s) && typeof s.$ref === 'string'; i++) {
      const ref = s.$ref;
      const parts = ref.replace(/^#\//, '').split('/');
      let cur: unknown = this.doc;
      for (const p of parts) cur = isObj(cur) ? cur[p] : undefined;
      s = cur;
    }
    return isObj(s) ? s : undefined;
  }

  private validate(schema: unknown, data: unknown, where: string): string[] {
    let fn = this.compiled.get(schema);
    if (!fn) {
      fn = this.ajv.compile(rebase(schema) as Json);
      this.compiled.set(schema, fn);
    }
    const errors = fn(data) ? [] : (fn.errors ?? []).map((e) => `${where}${e.instancePath} ${e.message ?? ''}`.trim());
    return [...errors, ...this.extraKeys(schema, data, where)];
  }

  /**
   * Properties the schema does not declare. Brevo's schemas rarely say additionalProperties:false, so a typo
   * (`updateEnable`) or an invented response field would otherwise pass unnoticed.
   */
  private extraKeys(schemaIn: unknown, data: unknown, where: string): string[] {
    const schema = this.resolve(schemaIn);
    if (!schema) return [];
    if (Array.isArray(data)) {
      return schema.items ? data.flatMap((d, i) => this.extraKeys(schema.items, d, `${where}[${i}]`)) : [];
    }
    if (!isObj(data)) return [];
    const declared = new Map<string, unknown>();
    let open = false;
    const collect = (s: unknown, depth: number) => {
      const r = this.resolve(s);
      if (!r || depth > 8) return;
      if (r.additionalProperties !== undefined && r.additionalProperties !== false) open = true;
      if (isObj(r.properties)) for (const [k, v] of Object.entries(r.properties)) declared.set(k, v);
      for (const key of ['allOf', 'oneOf', 'anyOf']) {
        const list = r[key];
        if (Array.isArray(list)) for (const sub of list) collect(sub, depth + 1);
      }
    };
    collect(schema, 0);
    if (open || declared.size === 0) return [];
    const out: string[] = [];
    for (const [k, v] of Object.entries(data)) {
      const sub = declared.get(k);
      if (sub === undefined) out.push(`${where}/${k} is not declared by the spec`);
      else out.push(...this.extraKeys(sub, v, `${where}/${k}`));
    }
    return out;
  }

  operation(method: string, apiPath: string): { template: string; op: Json } | undefined {
    const m = method.toLowerCase();
    if (!METHODS.includes(m)) return undefined;
    // Prefer literal paths over templated ones (/contacts/batch before /contacts/{identifier}).
    const candidates = this.templates.filter((t) => t.re.test(apiPath) && t.ops[m]);
    candidates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
    const hit = candidates[0];
    return hit ? { template: hit.template, op: hit.ops[m] as Json } : undefined;
  }

  private parameters(template: string, op: Json): Json[] {
    const shared = (this.doc.paths[template]?.parameters as unknown as Json[] | undefined) ?? [];
    return [...shared, ...((op.parameters as Json[] | undefined) ?? [])].map((p) => this.resolve(p) ?? p);
  }

  /** Problems with what a client sent: unknown operation, query parameters, path parameters, JSON body. */
  checkRequest(x: Exchange): string[] {
    const url = new URL(x.url, 'http://x');
    const found = this.operation(x.method, url.pathname);
    if (!found) return [`${x.method} ${url.pathname}: no such operation in the spec`];
    const { template, op } = found;
    const where = `${x.method} ${template}`;
    const errors: string[] = [];
    const params = this.parameters(template, op);
    const segs = template.split('/');
    const actual = url.pathname.split('/');
    segs.forEach((seg, i) => {
      const name = /^\{(.+)\}$/.exec(seg)?.[1];
      if (!name) return;
      const p = params.find((q) => q.in === 'path' && q.name === name);
      if (p) errors.push(...this.validate(p.schema, this.coerce(p.schema, decodeURIComponent(actual[i] ?? '')), `${where} path ${name}`));
    });
    for (const key of new Set(url.searchParams.keys())) {
      const p = params.find((q) => q.in === 'query' && q.name === key);
      if (!p) {
        errors.push(`${where}: query parameter ${key} is not declared`);
        continue;
      }
      const schema = this.resolve(p.schema);
      const values = url.searchParams.getAll(key);
      const value = schema?.type === 'array' ? values.map((v) => this.coerce(schema.items, v)) : this.coerce(p.schema, values[0] ?? '');
      errors.push(...this.validate(p.schema, value, `${where} query ${key}`));
    }
    const rb = this.resolve(op.requestBody);
    if (x.requestBody !== undefined && x.requestBody !== '') {
      if (!rb) return [...errors, `${where}: the spec declares no request body`];
      const content = rb.content as Record<string, Json> | undefined;
      const type = (x.requestContentType ?? 'application/json').split(';')[0] ?? '';
      const media = content?.[type];
      if (!media) return [...errors, `${where}: content type ${type} is not declared`];
      if (type === 'application/json') errors.push(...this.validate(media.schema, JSON.parse(x.requestBody) as unknown, `${where} body`));
    } else if (rb?.required) errors.push(`${where}: a request body is required`);
    return errors;
  }

  /** Problems with what a server answered: undeclared status, body shape, body on 204. */
  checkResponse(x: Exchange): string[] {
    const url = new URL(x.url, 'http://x');
    const found = this.operation(x.method, url.pathname);
    if (!found) return [`${x.method} ${url.pathname}: no such operation in the spec`];
    const where = `${x.method} ${found.template} → ${x.status}`;
    const responses = (found.op.responses ?? {}) as Record<string, unknown>;
    let declared = this.resolve(responses[String(x.status)]);
    if (!declared) {
      // 401/403/429 and 5xx apply to every operation (spec `info` table, rate-limit docs); their body is errorModel.
      if ([401, 403, 429].includes(x.status) || x.status >= 500) {
        if (x.status >= 500 && !(x.responseContentType ?? '').includes('json')) return [];
        declared = { content: { 'application/json': { schema: { $ref: '#/components/schemas/errorModel' } } } };
      } else return [`${where}: status not declared by the spec`];
    }
    const content = declared.content as Record<string, Json> | undefined;
    const media = content?.['application/json'];
    if (!media?.schema) return x.responseBody === '' ? [] : [`${where}: the spec declares no body but one was sent`];
    if (x.responseBody === '') return [`${where}: a JSON body was expected`];
    if (!(x.responseContentType ?? '').includes('application/json')) return [`${where}: content type ${x.responseContentType ?? '(none)'} is not JSON`];
    return this.validate(media.schema, JSON.parse(x.responseBody) as unknown, `${where} body`);
  }

  private coerce(schemaIn: unknown, raw: string): unknown {
    const schema = this.resolve(schemaIn);
    const types = [schema?.type, ...(((schema?.oneOf as Json[] | undefined) ?? []).map((s) => s.type))];
    if (types.includes('integer') && /^-?\d+$/.test(raw)) return Number(raw);
    if (types.includes('number') && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
    if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
    return raw;
  }
}
