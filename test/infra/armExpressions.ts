/**
 * Just enough of Azure Resource Manager's template language to evaluate infra/azure.json offline: expressions
 * (`[format('{0}st', variables('x'))]`), parameters with their defaults and limits, variables, conditions and
 * `if` evaluated as ARM does (only the branch taken). Functions that need Azure are stand-ins: `reference` gives
 * what the resource would report (and fails on a property it would not have), `listKeys` a fake key, and every
 * call to them is recorded so a test can see which were made.
 */
import { createHash } from 'node:crypto';

export type ArmValue = string | number | boolean | null | ArmValue[] | { [key: string]: ArmValue };

export interface ArmParameter {
  type: 'string' | 'int' | 'bool' | 'object' | 'array' | 'securestring' | 'secureObject';
  defaultValue?: ArmValue;
  allowedValues?: ArmValue[];
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  metadata?: { description?: string };
}

export interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  condition?: string | boolean;
  scope?: string;
  location?: string;
  kind?: string;
  sku?: Record<string, ArmValue>;
  identity?: Record<string, ArmValue>;
  properties?: Record<string, ArmValue>;
  dependsOn?: string[];
  resources?: ArmResource[];
}

export interface ArmTemplate {
  $schema: string;
  contentVersion: string;
  parameters: Record<string, ArmParameter>;
  variables: Record<string, ArmValue>;
  resources: ArmResource[];
  outputs: Record<string, { type: string; value: ArmValue; condition?: string }>;
}

export interface Call {
  fn: string;
  args: ArmValue[];
}

/** The resource group, subscription and tenant the stand-ins pretend to deploy to. */
export const fakeAzure = {
  subscriptionId: '11111111-2222-4333-8444-555555555555',
  resourceGroup: 'rg-samverkansbot',
  location: 'swedencentral',
  tenantId: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  /** What `reference(<user-assigned identity>)` reports. */
  identity: {
    clientId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
    principalId: '9e8d7c6b-5a49-4382-9716-05f4e3d2c1b0',
  },
  instrumentationKey: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  storageKey: 'fake-storage-account-key==',
} as const;

// ---- parsing ---------------------------------------------------------------------------------------------------

type Node =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'property'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node };

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string };

/** True for a string ARM reads as an expression: `[...]`, but not `[[...` (an escaped literal bracket). */
export function isExpression(s: string): boolean {
  return s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new Error(`unterminated string in ${source}`);
        if (source.charAt(i) === "'") {
          if (source.charAt(i + 1) === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += source.charAt(i++);
      }
      tokens.push({ kind: 'string', text });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
      const text = m?.[0] ?? c;
      tokens.push({ kind: 'ident', text });
      i += text.length;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+/.exec(source.slice(i));
      if (!m) throw new Error(`unexpected ${c} in ${source}`);
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if ('(),.[]'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else {
      throw new Error(`unexpected ${c} in ${source}`);
    }
  }
  return tokens;
}

/** Parses the inside of `[...]`. Throws on anything ARM would not accept either (unbalanced, trailing text). */
export function parseExpression(expression: string): Node {
  if (!isExpression(expression)) throw new Error(`not an expression: ${expression}`);
  const source = expression.slice(1, -1);
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const take = (text?: string): Token => {
    const t = tokens[at++];
    if (!t || (text !== undefined && t.text !== text)) {
      throw new Error(`expected ${text ?? 'more'} at token ${at} in ${expression}`);
    }
    return t;
  };
  const primary = (): Node => {
    const t = take();
    if (t.kind === 'string') return { kind: 'string', value: t.text };
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.kind !== 'ident') throw new Error(`unexpected ${t.text} in ${expression}`);
    take('(');
    const args: Node[] = [];
    if (peek()?.text !== ')') {
      args.push(node());
      while (peek()?.text === ',') {
        take(',');
        args.push(node());
      }
    }
    take(')');
    return { kind: 'call', name: t.text, args };
  };
  const node = (): Node => {
    let n = primary();
    for (;;) {
      if (peek()?.text === '.') {
        take('.');
        const name = take();
        if (name.kind !== 'ident') throw new Error(`expected a property name in ${expression}`);
        n = { kind: 'property', target: n, name: name.text };
      } else if (peek()?.text === '[') {
        take('[');
        const index = node();
        take(']');
        n = { kind: 'index', target: n, index };
      } else {
        return n;
      }
    }
  };
  const result = node();
  if (at !== tokens.length) throw new Error(`unexpected text after the expression in ${expression}`);
  return result;
}

/** Every function called anywhere in the expression, with its argument nodes. */
export function callsIn(expression: string): { name: string; args: Node[] }[] {
  const found: { name: string; args: Node[] }[] = [];
  const walk = (n: Node): void => {
    if (n.kind === 'call') {
      found.push({ name: n.name, args: n.args });
      n.args.forEach(walk);
    } else if (n.kind === 'property') {
      walk(n.target);
    } else if (n.kind === 'index') {
      walk(n.target);
      walk(n.index);
    }
  };
  walk(parseExpression(expression));
  return found;
}

export function literalOf(n: Node | undefined): string | number | undefined {
  return n && (n.kind === 'string' || n.kind === 'number') ? n.value : undefined;
}

// ---- evaluation ------------------------------------------------------------------------------------------------

/** Functions this evaluator knows; a template using another fails its test until it is added here. */
export const knownFunctions = [
  'parameters',
  'variables',
  'format',
  'concat',
  'toLower',
  'replace',
  'if',
  'equals',
  'not',
  'resourceGroup',
  'subscription',
  'tenant',
  'environment',
  'resourceId',
  'subscriptionResourceId',
  'extensionResourceId',
  'guid',
  'reference',
  'listKeys',
] as const;

export class Evaluator {
  readonly calls: Call[] = [];
  private readonly variableCache = new Map<string, ArmValue>();
  private readonly evaluatingVariables = new Set<string>();
  readonly parameters: Record<string, ArmValue>;
  /**
   * Ids of the resources that are deployed. ARM evaluates reference() and list*() even inside a resource whose
   * condition is false, and fails if their resource is not deployed; `if` is the way around it.
   */
  private deployedIds: Set<string> | undefined;

  constructor(
    readonly template: ArmTemplate,
    supplied: Record<string, ArmValue>,
  ) {
    this.parameters = {};
    for (const name of Object.keys(supplied)) {
      if (!(name in template.parameters)) throw new Error(`parameter ${name} is not in the template`);
    }
    for (const [name, definition] of Object.entries(template.parameters)) {
      const value = name in supplied ? supplied[name] : definition.defaultValue;
      if (value === undefined) throw new Error(`parameter ${name} has no value and no default`);
      // A default may itself be an expression (resourceGroup().location); supplied values never are.
      const resolved = !(name in supplied) && typeof value === 'string' ? this.value(value) : value;
      checkParameter(name, definition, resolved as ArmValue);
      this.parameters[name] = resolved as ArmValue;
    }
  }

  /** Evaluates a template value: expressions in strings (and in object keys), recursively. */
  value(v: ArmValue): ArmValue {
    if (typeof v === 'string') {
      if (isExpression(v)) return this.node(parseExpression(v));
      return v.startsWith('[[') ? v.slice(1) : v;
    }
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [String(this.value(k)), this.value(x)]));
    }
    return v;
  }

  variable(name: string): ArmValue {
    const cached = this.variableCache.get(name);
    if (cached !== undefined) return cached;
    if (!(name in this.template.variables)) throw new Error(`variables('${name}') is not defined`);
    if (this.evaluatingVariables.has(name)) throw new Error(`variables('${name}') refers to itself`);
    this.evaluatingVariables.add(name);
    const value = this.value(this.template.variables[name] as ArmValue);
    this.evaluatingVariables.delete(name);
    this.variableCache.set(name, value);
    return value;
  }

  private node(n: Node): ArmValue {
    switch (n.kind) {
      case 'string':
      case 'number':
        return n.value;
      case 'property': {
        const target = this.node(n.target);
        if (target === null || typeof target !== 'object' || Array.isArray(target) || !(n.name in target)) {
          throw new Error(`.${n.name} does not exist on ${JSON.stringify(target)}`);
        }
        return target[n.name] as ArmValue;
      }
      case 'index': {
        const target = this.node(n.target);
        const index = this.node(n.index);
        if (Array.isArray(target) && typeof index === 'number' && index < target.length) {
          return target[index] as ArmValue;
        }
        throw new Error(`[${String(index)}] does not exist on ${JSON.stringify(target)}`);
      }
      case 'call':
        return this.call(n.name, n.args);
    }
  }

  private call(name: string, argNodes: Node[]): ArmValue {
    // `if` evaluates only the branch it takes, as ARM does; that is what makes a conditional listKeys safe.
    if (name === 'if') {
      const [condition, whenTrue, whenFalse] = argNodes;
      if (!condition || !whenTrue || !whenFalse) throw new Error('if() takes three arguments');
      const c = this.node(condition);
      if (typeof c !== 'boolean') throw new Error(`if() needs a bool, got ${JSON.stringify(c)}`);
      return this.node(c ? whenTrue : whenFalse);
    }
    const args = argNodes.map((a) => this.node(a));
    this.calls.push({ fn: name, args });
    const str = (i: number): string => {
      const a = args[i];
      if (typeof a !== 'string') throw new Error(`${name}() argument ${i + 1} must be a string`);
      return a;
    };
    switch (name) {
      case 'parameters': {
        const p = str(0);
        if (!(p in this.parameters)) throw new Error(`parameters('${p}') is not defined`);
        return this.parameters[p] as ArmValue;
      }
      case 'variables':
        return this.variable(str(0));
      case 'format':
        return str(0).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i) + 1]));
      case 'concat':
        return args.every(Array.isArray) ? args.flat() : args.map(String).join('');
      case 'toLower':
        return str(0).toLowerCase();
      case 'replace':
        return str(0).split(str(1)).join(str(2));
      case 'equals':
        return JSON.stringify(args[0]) === JSON.stringify(args[1]);
      case 'not':
        return !args[0];
      case 'resourceGroup':
        return {
          id: `/subscriptions/${fakeAzure.subscriptionId}/resourceGroups/${fakeAzure.resourceGroup}`,
          name: fakeAzure.resourceGroup,
          location: fakeAzure.location,
        };
      case 'subscription':
        return { id: `/subscriptions/${fakeAzure.subscriptionId}`, subscriptionId: fakeAzure.subscriptionId };
      case 'tenant':
        return { tenantId: fakeAzure.tenantId };
      case 'environment':
        return { name: 'AzureCloud', suffixes: { storage: 'core.windows.net' } };
      case 'resourceId':
        return resourceIdOf(
          `/subscriptions/${fakeAzure.subscriptionId}/resourceGroups/${fakeAzure.resourceGroup}`,
          str(0),
          args.slice(1).map(String),
        );
      case 'subscriptionResourceId':
        return resourceIdOf(`/subscriptions/${fakeAzure.subscriptionId}`, str(0), args.slice(1).map(String));
      case 'extensionResourceId':
        return resourceIdOf(str(0), str(1), args.slice(2).map(String));
      case 'guid': {
        const h = createHash('sha256').update(args.map(String).join('|')).digest('hex');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
      }
      case 'reference':
        this.mustBeDeployed(name, str(0));
        return this.reference(str(0));
      case 'listKeys':
        this.mustBeDeployed(name, str(0));
        return { keys: [{ keyName: 'key1', value: fakeAzure.storageKey }] };
      default:
        throw new Error(`unknown function ${name}()`);
    }
  }

  /** What Azure reports for a deployed resource, by its type; other properties do not exist. */
  private reference(id: string): ArmValue {
    const type = typeOfResourceId(id);
    const name = id.split('/').pop() ?? '';
    switch (type) {
      case 'Microsoft.ManagedIdentity/userAssignedIdentities':
        return { ...fakeAzure.identity, tenantId: fakeAzure.tenantId };
      case 'Microsoft.Web/sites':
        return { defaultHostName: `${name}.azurewebsites.net`, state: 'Running' };
      case 'Microsoft.Insights/components':
        return {
          ConnectionString: `InstrumentationKey=${fakeAzure.instrumentationKey};IngestionEndpoint=https://${fakeAzure.location}-0.in.applicationinsights.azure.com/`,
          InstrumentationKey: fakeAzure.instrumentationKey,
        };
      case 'Microsoft.Storage/storageAccounts':
        return { primaryEndpoints: { table: `https://${name}.table.core.windows.net/` } };
      default:
        throw new Error(`reference() to ${type} is not modelled`);
    }
  }

  private mustBeDeployed(fn: string, id: string): void {
    if (this.deployedIds && !this.deployedIds.has(id)) {
      throw new Error(`${fn}() of ${id}, which is not deployed with these parameters`);
    }
  }

  /**
   * Every resource of the template, evaluated as ARM does: the deployed ones in full; the others too, since ARM
   * evaluates their reference() and list*() calls all the same, but left out of the result.
   */
  deployment(resources: ArmResource[]): ArmResource[] {
    const deployed = resources.filter((r) => this.deployed(r));
    this.deployedIds = new Set(deployed.map((r) => this.idOf(r)));
    for (const r of resources.filter((r) => !this.deployed(r))) this.resource(r);
    return deployed.map((r) => this.resource(r));
  }

  /** The id Azure gives a resource of the template (in the resource group). */
  idOf(r: ArmResource): string {
    return resourceIdOf(
      `/subscriptions/${fakeAzure.subscriptionId}/resourceGroups/${fakeAzure.resourceGroup}`,
      r.type,
      String(this.value(r.name)).split('/'),
    );
  }

  /** True when the resource is deployed with these parameters. */
  deployed(resource: ArmResource): boolean {
    if (resource.condition === undefined) return true;
    const c = typeof resource.condition === 'string' ? this.value(resource.condition) : resource.condition;
    if (typeof c !== 'boolean') throw new Error(`condition of ${resource.name} is not a bool`);
    return c;
  }

  /** The resource with every expression evaluated (its properties only when it is deployed). */
  resource(resource: ArmResource): ArmResource {
    return this.value(resource as unknown as ArmValue) as unknown as ArmResource;
  }
}

function resourceIdOf(prefix: string, type: string, names: string[]): string {
  const [namespace, ...types] = type.split('/');
  if (!namespace || types.length !== names.length) {
    throw new Error(`resource id of ${type} needs ${types.length} name(s), got ${names.length}`);
  }
  const segments = types.map((t, i) => `${t}/${names[i]}`).join('/');
  return `${prefix}/providers/${namespace}/${segments}`;
}

/** `.../providers/Microsoft.Web/sites/app/config/x` → `Microsoft.Web/sites/config`. */
export function typeOfResourceId(id: string): string {
  const after = id.split('/providers/').pop() ?? '';
  const parts = after.split('/');
  const namespace = parts[0] ?? '';
  const types: string[] = [];
  for (let i = 1; i < parts.length; i += 2) types.push(parts[i] ?? '');
  return [namespace, ...types].join('/');
}

function checkParameter(name: string, p: ArmParameter, value: ArmValue): void {
  const fail = (why: string) => {
    throw new Error(`parameter ${name}: ${why} (${JSON.stringify(value)})`);
  };
  const expected = { string: 'string', securestring: 'string', int: 'number', bool: 'boolean' } as const;
  const want = expected[p.type as keyof typeof expected];
  if (want && typeof value !== want) fail(`must be ${p.type}`);
  if (p.allowedValues && !p.allowedValues.includes(value))
    fail(`must be one of ${p.allowedValues.join(', ')}`);
  if (typeof value === 'string') {
    if (p.minLength !== undefined && value.length < p.minLength) fail(`shorter than ${p.minLength}`);
    if (p.maxLength !== undefined && value.length > p.maxLength) fail(`longer than ${p.maxLength}`);
  }
  if (typeof value === 'number') {
    if (p.minValue !== undefined && value < p.minValue) fail(`below ${p.minValue}`);
    if (p.maxValue !== undefined && value > p.maxValue) fail(`above ${p.maxValue}`);
  }
}
