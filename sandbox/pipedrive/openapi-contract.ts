import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import YAML from 'yaml';

/**
 * Validates requests and responses against Pipedrive's official OpenAPI specs (test helper; the
 * specs are not part of the repo). Two deliberate adaptations, both documented:
 * - Object schemas with declared properties become closed (additionalProperties: false unless
 *   the spec says otherwise), so a field the spec does not know is a contract failure.
 * - Properties may be null: the specs mark few fields nullable although Pipedrive returns null
 *   for unset values (the spec itself says next_cursor is null on the last page).
 */

type Json = Record<string, unknown>;
type SpecName = 'v1' | 'v2';

const V1_OR_ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}';
const CUSTOM_FIELD_KEY = '^[0-9a-f]{40}(_[a-z0-9_]+)?$';
const KNOWN_FORMATS = new Set(['date', 'date-time', 'uuid', 'email', 'uri']);
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeAllOf(parts: Json[]): Json {
  const out: Json = { type: 'object', properties: {}, required: [] };
  for (const raw of parts) {
    const p = isObj(raw.allOf) || Array.isArray(raw.allOf) ? mergeAllOf(raw.allOf as Json[]) : raw;
    Object.assign(out.properties as Json, (p.properties as Json | undefined) ?? {});
    (out.required as string[]).push(...((p.required as string[] | undefined) ?? []));
    if (p.additionalProperties !== undefined) out.additionalProperties = p.additionalProperties;
    if (p.nullable) out.nullable = true;
  }
  return out;
}

function allowNull(s: Json): Json {
  if (s.type === undefined && s.enum === undefined && s.anyOf === undefined && s.oneOf === undefined) return s;
  if (typeof s.type === 'string') return { ...s, type: [s.type, 'null'], ...(Array.isArray(s.enum) ? { enum: [...(s.enum as unknown[]), null] } : {}) };
  return { anyOf: [s, { type: 'null' }] };
}

/** OpenAPI 3.0 schema → JSON Schema for ajv, with the adaptations above. */
export function toJsonSchema(raw: unknown, closed: boolean, v1 = false): Json {
  if (!isObj(raw)) return {};
  const parts = Array.isArray(raw.allOf) ? (raw.allOf as Json[]) : undefined;
  // allOf of object parts is merged (so closing one part does not reject the other's fields);
  // allOf of scalar constraints (e.g. visible_to: string + enum) stays an allOf.
  if (parts && !parts.some((p) => isObj(p.properties) || Array.isArray(p.allOf))) {
    const { allOf: _a, ...rest } = raw;
    const base = toJsonSchema(rest, closed, v1);
    const out = { ...base, allOf: parts.map((p) => toJsonSchema(p, closed, v1)) };
    return raw.nullable ? allowNull(out) : out;
  }
  const s = parts ? { ...mergeAllOf(parts), ...(raw.nullable ? { nullable: true } : {}) } : raw;
  const out: Json = {};
  for (const key of ['type', 'enum', 'required', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems']) {
    if (s[key] !== undefined) out[key] = s[key];
  }
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  if (typeof s.format === 'string' && KNOWN_FORMATS.has(s.format)) {
    // v1 writes times as YYYY-MM-DD HH:MM:SS although the spec says date-time.
    if (v1 && s.format === 'date-time') out.pattern = V1_OR_ISO_TIME;
    else out.format = s.format;
  }
  if (s.items !== undefined) out.items = toJsonSchema(s.items, closed, v1);
  for (const key of ['oneOf', 'anyOf'] as const) if (Array.isArray(s[key])) out[key] = (s[key] as unknown[]).map((x) => toJsonSchema(x, closed, v1));
  if (isObj(s.properties)) {
    const props: Json = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = allowNull(toJsonSchema(v, closed, v1));
    out.properties = props;
    if (s.additionalProperties === undefined) {
      if (closed) {
        out.additionalProperties = false;
        // v1 puts custom fields (40-hex keys, plus suffixed subfields) at the root of records.
        if (v1) out.patternProperties = { [CUSTOM_FIELD_KEY]: {} };
      }
    } else out.additionalProperties = isObj(s.additionalProperties) ? toJsonSchema(s.additionalProperties, closed, v1) : s.additionalProperties;
  } else if (s.additionalProperties !== undefined) {
    out.additionalProperties = isObj(s.additionalProperties) ? toJsonSchema(s.additionalProperties, closed, v1) : s.additionalProperties;
  }
  return s.nullable ? allowNull(out) : out;
}

function requestSchema(docs: Record<SpecName, Json>, spec: SpecName, p: string, method: string): Json | undefined {
  const op = ((docs[spec].paths as Json)[p] as Json | undefined)?.[method] as Json | undefined;
  return (((op?.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
}

/**
 * Where the October 2025 specs contradict Pipedrive's documentation (../reference notes, §1.6
 * and §1.7), the documentation wins. Each erratum returns whether it changed anything.
 */
const SPEC_ERRATA: { name: string; apply(docs: Record<SpecName, Json>): boolean }[] = [
  {
    // addPerson/addOrganization require `title`, a deal field; persons need name (or first and last name), organizations name.
    name: 'v2 person/organization create bodies require title',
    apply: (docs) => {
      let changed = false;
      for (const [p, req] of [['/persons', []], ['/organizations', ['name']]] as const) {
        const s = requestSchema(docs, 'v2', p, 'post');
        if (s && Array.isArray(s.required) && s.required.includes('title')) {
          s.required = [...req];
          changed = true;
        }
      }
      return changed;
    },
  },
  {
    // Email/phone labels are strings ("work", "home"), as the responses say; the write bodies say boolean.
    name: 'v2 person write bodies type emails/phones label as boolean',
    apply: (docs) => {
      let changed = false;
      for (const [p, m] of [['/persons', 'post'], ['/persons/{id}', 'patch']] as const) {
        const props = requestSchema(docs, 'v2', p, m)?.properties as Json | undefined;
        for (const k of ['emails', 'phones']) {
          const label = ((props?.[k] as Json | undefined)?.items as Json | undefined)?.properties as Json | undefined;
          if (label && (label.label as Json | undefined)?.type === 'boolean') {
            label.label = { type: 'string' };
            changed = true;
          }
        }
      }
      return changed;
    },
  },
  {
    // v2 person writes take first_name/last_name and a custom_fields object (migration guide).
    name: 'v2 person write bodies lack first_name, last_name and custom_fields',
    apply: (docs) => {
      let changed = false;
      for (const [p, m] of [['/persons', 'post'], ['/persons/{id}', 'patch']] as const) {
        const props = requestSchema(docs, 'v2', p, m)?.properties as Json | undefined;
        if (!props) continue;
        for (const [k, v] of [['first_name', { type: 'string' }], ['last_name', { type: 'string' }], ['custom_fields', { type: 'object', additionalProperties: true }]] as const) {
          if (!(k in props)) {
            props[k] = v;
            changed = true;
          }
        }
      }
      return changed;
    },
  },
  {
    // GET /v1/leads gained updated_since in 2026 (official Node SDK), after this spec snapshot.
    name: 'v1 lead lists lack updated_since',
    apply: (docs) => {
      let changed = false;
      for (const p of ['/leads', '/leads/archived']) {
        const op = ((docs.v1.paths as Json)[p] as Json | undefined)?.get as Json | undefined;
        const params = op?.parameters as Json[] | undefined;
        if (params && !params.some((x) => x.name === 'updated_since')) {
          params.push({ in: 'query', name: 'updated_since', schema: { type: 'string' } });
          changed = true;
        }
      }
      return changed;
    },
  },
  {
    // addPerson/updatePerson "accept and return marketing_status" (their descriptions) but the response schemas omit it.
    name: 'v2 person write responses lack marketing_status',
    apply: (docs) => {
      let changed = false;
      for (const [p, m] of [['/persons', 'post'], ['/persons/{id}', 'patch']] as const) {
        const op = ((docs.v2.paths as Json)[p] as Json | undefined)?.[m] as Json | undefined;
        const schema = ((((op?.responses as Json | undefined)?.['200'] as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
        for (const part of (schema?.allOf as Json[] | undefined) ?? []) {
          const data = (part.properties as Json | undefined)?.data as Json | undefined;
          const props = data?.properties as Json | undefined;
          if (props && !('marketing_status' in props)) {
            props.marketing_status = { type: 'string', enum: ['no_consent', 'unsubscribed', 'subscribed', 'archived'] };
            changed = true;
          }
        }
      }
      return changed;
    },
  },
];

interface Operation {
  template: string;
  regex: RegExp;
  method: string;
  op: Json;
}

export interface ContractTarget {
  spec: SpecName;
  method: string;
  /** Path relative to the spec's server, e.g. /persons/12 for v2, /leads for v1. */
  path: string;
}

export class OpenApiContract {
  private ops: Record<SpecName, Operation[]> = { v1: [], v2: [] };
  private ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private cache = new Map<string, ValidateFunction>();

  /** Errata applied at load; each must still change the spec (a test checks), else drop it. */
  readonly errataApplied: Record<string, boolean> = {};

  private constructor(docs: Record<SpecName, Json>) {
    for (const e of SPEC_ERRATA) this.errataApplied[e.name] = e.apply(docs);
    for (const spec of ['v1', 'v2'] as const) {
      const paths = docs[spec].paths as Record<string, Record<string, Json>>;
      for (const [template, item] of Object.entries(paths)) {
        for (const [method, op] of Object.entries(item)) {
          if (!isObj(op) || !('responses' in op)) continue;
          const regex = new RegExp(`^${template.replace(/\/+$/, '').replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
          this.ops[spec].push({ template, regex, method: method.toUpperCase(), op });
        }
      }
      // Literal segments win over parameters: /persons/search before /persons/{id}.
      this.ops[spec].sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
    }
  }

  private static loaded = new Map<string, OpenApiContract>();

  static load(specsDir: string): OpenApiContract {
    let c = OpenApiContract.loaded.get(specsDir);
    if (!c) {
      const read = (f: string) => readSpec(path.join(specsDir, f));
      c = new OpenApiContract({ v1: read('pipedrive-openapi-v1.yaml'), v2: read('pipedrive-openapi-v2.yaml') });
      OpenApiContract.loaded.set(specsDir, c);
    }
    return c;
  }

  find(t: ContractTarget): Operation | undefined {
    const p = t.path.split('?')[0]!;
    return this.ops[t.spec].find((o) => o.method === t.method.toUpperCase() && o.regex.test(p));
  }

  tokenCost(t: ContractTarget): number | undefined {
    const c = this.find(t)?.op['x-token-cost'];
    return typeof c === 'number' ? c : undefined;
  }

  private compile(key: string, schema: unknown, closed: boolean): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile(toJsonSchema(schema, closed, key.includes('|v1|')));
      this.cache.set(key, v);
    }
    return v;
  }

  /** Errors (empty when valid) of a response body against the documented schema for its status. */
  validateResponse(t: ContractTarget & { status: number; body: unknown; ignoreDataKeys?: string[] }): string[] {
    const found = this.find(t);
    if (!found) return [`${t.spec} ${t.method} ${t.path}: no such operation in the spec`];
    const responses = found.op.responses as Record<string, Json>;
    const res = responses[String(t.status)] ?? responses.default;
    if (!res) return [`${t.spec} ${t.method} ${found.template}: status ${t.status} is not documented (${Object.keys(responses).join(', ')})`];
    const schema = ((res.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
    if (!schema) return [];
    let body = t.body;
    if (t.ignoreDataKeys?.length && isObj(body)) {
      const strip = (x: unknown) => (isObj(x) ? Object.fromEntries(Object.entries(x).filter(([k]) => !t.ignoreDataKeys!.includes(k))) : x);
      body = { ...body, data: Array.isArray(body.data) ? body.data.map(strip) : strip(body.data) };
    }
    const v = this.compile(`res|${t.spec}|${found.method}|${found.template}|${t.status}`, schema, true);
    if (v(body)) return [];
    return (v.errors ?? []).map((e) => `${t.spec} ${t.method} ${found.template} ${t.status}: ${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`);
  }

  /** Errors of a request: unknown or ill-typed query parameters, missing required ones, and the JSON body. */
  validateRequest(t: ContractTarget & { query?: URLSearchParams; body?: unknown; contentType?: string }): string[] {
    const found = this.find(t);
    if (!found) return [`${t.spec} ${t.method} ${t.path}: no such operation in the spec`];
    const errors: string[] = [];
    const params = ((found.op.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'query');
    const given = t.query ?? new URLSearchParams();
    for (const [name, value] of given) {
      const p = params.find((x) => x.name === name);
      if (!p) {
        errors.push(`query parameter ${name} is not in the spec of ${found.method} ${found.template}`);
        continue;
      }
      const s = (p.schema as Json | undefined) ?? {};
      // Parameters documented as comma-separated lists take several enum values.
      const values = /comma[- ]separated|multiple selection/i.test(typeof p.description === 'string' ? p.description : '') ? value.split(',') : [value];
      const bad = values.some(
        (v) =>
          (s.type === 'integer' && !/^-?\d+$/.test(v)) ||
          (s.type === 'number' && Number.isNaN(Number(v))) ||
          (s.type === 'boolean' && !['true', 'false', '0', '1'].includes(v)) ||
          (Array.isArray(s.enum) && !(s.enum as unknown[]).map(String).includes(v)),
      );
      if (bad) errors.push(`query parameter ${name}=${value} does not match ${JSON.stringify(s)}`);
    }
    for (const p of params) if (p.required && !given.has(p.name as string)) errors.push(`required query parameter ${String(p.name)} missing`);
    const content = (found.op.requestBody as Json | undefined)?.content as Json | undefined;
    if (t.body !== undefined) {
      const type = t.contentType?.includes('x-www-form-urlencoded') ? 'application/x-www-form-urlencoded' : 'application/json';
      const schema = (content?.[type] as Json | undefined)?.schema;
      if (!schema) errors.push(`${found.method} ${found.template} documents no ${type} body`);
      else {
        const v = this.compile(`req|${t.spec}|${found.method}|${found.template}|${type}`, schema, true);
        if (!v(t.body)) errors.push(...(v.errors ?? []).map((e) => `request body ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
      }
    }
    return errors;
  }
}

/**
 * Parsing the 2.7 MB v1 YAML takes seconds on a busy machine; the parsed document is cached as
 * JSON in the temp dir, keyed by path, size and mtime (written atomically, so parallel test
 * workers never read half a file).
 */
function readSpec(file: string): Json {
  const st = fs.statSync(file);
  const key = createHash('sha1').update(`${file}|${st.size}|${st.mtimeMs}`).digest('hex');
  const cache = path.join(os.tmpdir(), `pipebridge-openapi-${key}.json`);
  try {
    return JSON.parse(fs.readFileSync(cache, 'utf8')) as Json;
  } catch {
    const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as Json;
    const tmp = `${cache}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(doc));
    fs.renameSync(tmp, cache);
    return doc;
  }
}

/** Maps a sandbox/client URL path to its spec and spec-relative path. */
export function contractTargetOf(method: string, urlPath: string): ContractTarget | undefined {
  const m = /^(?:\/d\/[a-z0-9-]+)?(\/api\/v2|\/api\/v1|\/v1)(\/.*)$/.exec(urlPath);
  if (!m) return undefined;
  return { spec: m[1] === '/api/v2' ? 'v2' : 'v1', method, path: m[2]! };
}

/** Where tests find the specs, and whether they are there. */
export function specsLocation(repoRoot: string, envDir: string | undefined): { dir: string; available: boolean } {
  const dir = envDir ?? path.resolve(repoRoot, '../shared/specs');
  return { dir, available: fs.existsSync(path.join(dir, 'pipedrive-openapi-v2.yaml')) && fs.existsSync(path.join(dir, 'pipedrive-openapi-v1.yaml')) };
}
