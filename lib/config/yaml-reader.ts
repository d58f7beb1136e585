import { isAlias, isMap, isScalar, isSeq, type LineCounter, type Node as YamlNode } from 'yaml';
import { closestName } from './closest-name';

/** One problem in a configuration file, placed so an editor can jump to it. */
export interface ConfigError {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where in the file's structure, e.g. `connectors.pipedrive.lists.customers`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** A YAML node with the path it was found at (null node: the key has no value). */
export interface Located {
  node: YamlNode | null;
  path: string;
}

export interface MapEntry extends Located {
  key: string;
  keyNode: YamlNode;
}

/** `a.b`, `a["org_id.name"]` for keys with dots, `a[2]` for list items. */
export function childPath(path: string, key: string | number, inSequence = false): string {
  if (inSequence) return `${path}[${key}]`;
  const text = String(key);
  const segment = /^[A-Za-z0-9_]+$/.test(text) ? text : JSON.stringify(text);
  if (path === '') return segment;
  return segment.startsWith('"') ? `${path}[${segment}]` : `${path}.${segment}`;
}

/** How a value is quoted back to the person in an error message. */
export function describeNode(node: YamlNode | null): string {
  if (node === null) return 'nothing';
  if (isScalar(node)) return node.value === null ? 'an empty value' : JSON.stringify(node.value);
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return 'an alias';
}

export function didYouMean(name: string, candidates: readonly string[]): string {
  const guess = closestName(name, candidates);
  return guess === null ? '' : ` Did you mean "${guess}"?`;
}

export function isEmptyNode(node: YamlNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/**
 * Typed reads from a parsed YAML document. Every read that fails records an error placed at
 * the offending node and returns undefined, so one pass reports every problem in the file.
 */
export class YamlReader {
  readonly errors: ConfigError[] = [];

  constructor(private readonly lineCounter: LineCounter) {}

  position(node: YamlNode | null): { line: number; column: number } {
    const { line, col } = this.lineCounter.linePos(node?.range?.[0] ?? 0);
    return { line, column: col };
  }

  fail(node: YamlNode | null, path: string, message: string): void {
    this.errors.push({ ...this.position(node), path, message });
  }

  /** The `key: value` pairs of a mapping; duplicates and non-scalar keys are reported. */
  entries(located: Located): MapEntry[] {
    const { node, path } = located;
    if (isEmptyNode(node)) return [];
    if (!isMap(node)) {
      this.fail(node, path, `${path || 'the file'} must be a mapping of "key: value" lines, got ${describeNode(node)}`);
      return [];
    }
    const result: MapEntry[] = [];
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode;
      const raw: unknown = isScalar(keyNode) ? keyNode.value : null;
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        this.fail(keyNode, path, 'keys must be plain names or numbers');
        continue;
      }
      const key = String(raw);
      // The document is parsed with uniqueKeys off so that a repeated key is reported here,
      // with its path, rather than as a bare YAML error.
      if (seen.has(key)) {
        this.fail(keyNode, childPath(path, key), `"${key}" appears twice in ${path || 'the file'}; keep only one of them`);
        continue;
      }
      seen.add(key);
      const value = (pair.value ?? null) as YamlNode | null;
      if (value !== null && isAlias(value)) {
        this.fail(value, childPath(path, key), 'YAML aliases (*name) are not supported here; write the value out');
        continue;
      }
      result.push({ key, keyNode, node: value, path: childPath(path, key) });
    }
    return result;
  }

  boolean(located: Located): boolean | undefined {
    const { node, path } = located;
    if (node !== null && isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.fail(node, path, `${path} must be true or false, got ${describeNode(node)}`);
    return undefined;
  }

  /** A string, null for an empty value, undefined (and an error) for anything else. */
  string(located: Located, what: string): string | null | undefined {
    const { node, path } = located;
    if (isEmptyNode(node)) return null;
    if (node !== null && isScalar(node) && typeof node.value === 'string') return node.value;
    this.fail(node, path, `${path} must be ${what}, got ${describeNode(node)}`);
    return undefined;
  }

  /** A Brevo list id; quoted digits are accepted since they are unambiguous. */
  listId(located: Located, allowEmpty: true): number | null | undefined;
  listId(located: Located, allowEmpty: false): number | undefined;
  listId(located: Located, allowEmpty: boolean): number | null | undefined {
    const { node, path } = located;
    if (isEmptyNode(node)) {
      if (allowEmpty) return null;
    } else if (node !== null && isScalar(node)) {
      const value = node.value;
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
      if (typeof value === 'string' && /^\s*\d+\s*$/.test(value) && Number(value) > 0) return Number(value);
    }
    this.fail(
      node,
      path,
      `${path} must be a Brevo list id (a whole number such as 61, shown in Brevo under Contacts > Lists), got ${describeNode(node)}${allowEmpty ? '; leave it empty to use no list' : ''}`,
    );
    return undefined;
  }
}
