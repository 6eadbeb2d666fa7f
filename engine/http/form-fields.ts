/**
 * Contract §1.2: form, multipart and query fields use PHP-style brackets — `scope[]=a&scope[]=b`
 * is an array, `configuration[key]=value` an object. A repeated plain name keeps the last value
 * (as PHP does). Names that could reach Object.prototype are dropped.
 */
export type FieldValue = string | FieldValue[] | { [key: string]: FieldValue };

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 4;

export function collectFields(pairs: Iterable<[string, string]>): Record<string, FieldValue> {
  const root: Record<string, FieldValue> = {};
  for (const [name, value] of pairs) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    if (!match) continue;
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    if (path.length > MAX_DEPTH + 1 || path.some((part) => UNSAFE.has(part))) continue;
    assign(root, path, value);
  }
  return root;
}

function assign(container: Record<string, FieldValue>, path: string[], value: string): void {
  let node: Record<string, FieldValue> | FieldValue[] = container;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const last = i === path.length - 1;
    const nextIsAppend = path[i + 1] === '';
    if (Array.isArray(node)) {
      // `a[][x]` shapes are not part of the contract; append scalars only.
      if (last) node.push(value);
      return;
    }
    if (last) {
      node[key] = value;
      return;
    }
    let child: FieldValue | undefined = node[key];
    if (nextIsAppend) {
      if (!Array.isArray(child)) child = node[key] = [];
    } else if (typeof child !== 'object' || Array.isArray(child)) {
      child = node[key] = {};
    }
    node = child as Record<string, FieldValue> | FieldValue[];
  }
}

export function parseUrlEncoded(text: string): Record<string, FieldValue> {
  return collectFields(new URLSearchParams(text).entries());
}
