/**
 * The Azure deployment, checked offline: infra/azure.json is evaluated with the parameters the Toolkit would give
 * it (test/infra/armExpressions.ts stands in for Azure), and its web app settings are fed to the bot's own
 * loadConfig; m365agents.yml and m365agents.local.yml are walked step by step to see that each reads only values
 * that exist by then; infra/stageWebApp.mjs is run on a fake repository; docs/deployment.md's `az` command is
 * checked against the parameters file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/env.js';
import { optionsFromEnv, placeholders, repoRoot } from '../../src/tools/packageApp.js';
import {
  Evaluator,
  callsIn,
  fakeAzure,
  isExpression,
  knownFunctions,
  literalOf,
  typeOfResourceId,
  type ArmResource,
  type ArmTemplate,
  type ArmValue,
} from './armExpressions.js';

const municipalityTenant = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
const policeTenant = 'f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f';

/** What the Toolkit sets or asks for itself, whatever the env file says. */
const toolkitBuiltIns = [
  'TEAMSFX_ENV',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_RESOURCE_GROUP_NAME',
  'RESOURCE_SUFFIX',
];

/** App Service's own settings (and Application Insights', which the bot may read as well). */
const platformSettings = [
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'WEBSITE_RUN_FROM_PACKAGE',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITES_ENABLE_APP_SERVICE_STORAGE',
];

const placeholderPattern = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

function file(relative: string): string {
  return path.join(repoRoot, relative);
}

function readText(relative: string): string {
  return readFileSync(file(relative), 'utf8');
}

function readJson<T>(relative: string): T {
  return JSON.parse(readText(relative)) as T;
}

function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(placeholderPattern)].map((m) => m[1] ?? ''))];
}

function fillPlaceholders(text: string, env: Record<string, string>): string {
  return text.replace(placeholderPattern, (whole, name: string) => env[name] ?? whole);
}

/** KEY=value lines of a dotenv file; comments and blank lines skipped. */
function dotenv(relative: string): Record<string, string> {
  const entries = readText(relative)
    .split(/\r?\n/)
    .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] ?? '', m[2] ?? ''] as const);
  return Object.fromEntries(entries);
}

// ---- the template -----------------------------------------------------------------------------------------------

const template = readJson<ArmTemplate>('infra/azure.json');
const parametersFile = readJson<{ $schema: string; parameters: Record<string, { value: ArmValue }> }>(
  'infra/azure.parameters.json',
);

/** The env file of `dev` as someone filled it in, and what the Toolkit adds before arm/deploy. */
function devEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...dotenv('env/.env.dev.example'),
    TEAMSFX_ENV: 'dev',
    AZURE_SUBSCRIPTION_ID: fakeAzure.subscriptionId,
    AZURE_RESOURCE_GROUP_NAME: fakeAzure.resourceGroup,
    RESOURCE_SUFFIX: 'a1b2c3',
    ALLOWED_TENANT_IDS: `${municipalityTenant},${policeTenant}`,
    ...overrides,
  };
}

/** The parameters file as arm/deploy sends it: placeholders filled in from the env file. */
function fileParameters(env: Record<string, string>): Record<string, ArmValue> {
  return Object.fromEntries(
    Object.entries(parametersFile.parameters).map(([name, { value }]) => [
      name,
      typeof value === 'string' ? fillPlaceholders(value, env) : value,
    ]),
  );
}

interface Deployment {
  evaluator: Evaluator;
  resources: ArmResource[];
  outputs: Record<string, ArmValue>;
}

function allResources(resources: ArmResource[]): ArmResource[] {
  return resources.flatMap((r) => [r, ...allResources(r.resources ?? [])]);
}

/** The template as Azure would see it with these parameters: deployed resources and outputs, all evaluated. */
function deploy(parameters: Record<string, ArmValue> = fileParameters(devEnv())): Deployment {
  const evaluator = new Evaluator(template, parameters);
  const resources = evaluator.deployment(allResources(template.resources));
  const outputs = Object.fromEntries(
    Object.entries(template.outputs).map(([name, o]) => [name, evaluator.value(o.value)]),
  );
  return { evaluator, resources, outputs };
}

function ofType(d: Deployment, type: string): ArmResource[] {
  return d.resources.filter((r) => r.type === type);
}

function one(d: Deployment, type: string, pick: (r: ArmResource) => boolean = () => true): ArmResource {
  const found = ofType(d, type).filter(pick);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0] as ArmResource;
}

function prop(r: ArmResource, ...keys: string[]): ArmValue | undefined {
  let at: ArmValue | undefined = r.properties ?? {};
  for (const key of keys) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = at[key];
  }
  return at;
}

/** The id Azure gives a resource of this resource group. */
function resourceIdIn(r: ArmResource): string {
  const sub = `/subscriptions/${fakeAzure.subscriptionId}/resourceGroups/${fakeAzure.resourceGroup}`;
  const [namespace, ...types] = r.type.split('/');
  const names = r.name.split('/');
  return `${sub}/providers/${namespace}/${types.map((t, i) => `${t}/${names[i]}`).join('/')}`;
}

function webApp(d: Deployment): ArmResource {
  return one(d, 'Microsoft.Web/sites');
}

function appSettings(d: Deployment): Record<string, string> {
  const list = prop(webApp(d), 'siteConfig', 'appSettings');
  assert.ok(Array.isArray(list), 'the web app has appSettings');
  const entries = list.map((entry) => {
    const { name, value } = entry as { name: string; value: ArmValue };
    assert.equal(typeof value, 'string', `app setting ${name} is a string`);
    return [name, value as string] as const;
  });
  assert.equal(new Set(entries.map(([n]) => n)).size, entries.length, 'no app setting is set twice');
  return Object.fromEntries(entries);
}

function tablesAccount(d: Deployment): ArmResource {
  const url = appSettings(d).STORAGE_ACCOUNT_URL ?? '';
  return one(d, 'Microsoft.Storage/storageAccounts', (r) => url.startsWith(`https://${r.name}.table.`));
}

/** Every string in the template, object keys included, with where it is. */
function stringsOf(value: unknown, at = '$'): { at: string; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsOf(v, `${at}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      { at: `${at} key`, text: k },
      ...stringsOf(v, `${at}.${k}`),
    ]);
  }
  return [];
}

function throwsConfigError(env: Record<string, string>): boolean {
  try {
    loadConfig(env);
    return false;
  } catch (e) {
    if (e instanceof ConfigError) return true;
    throw e;
  }
}

// ---- the Toolkit's yml ------------------------------------------------------------------------------------------

interface Action {
  uses: string;
  name?: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

interface ProjectYml {
  version: string;
  environmentFolderPath?: string;
  provision?: Action[];
  deploy?: Action[];
  publish?: Action[];
}

function readYml(relative: string): ProjectYml {
  return parseYaml(readText(relative)) as ProjectYml;
}

function withOf(action: Action): Record<string, unknown> {
  assert.ok(action.with, `${action.uses} has its parameters under with:`);
  return action.with;
}

function stringArg(action: Action, key: string): string {
  const value = withOf(action)[key];
  assert.equal(typeof value, 'string', `${action.uses} with.${key} is a string`);
  return value as string;
}

/** Index of the first action after `from` that uses `uses` (and matches), or fails. */
function indexOf(
  stage: Action[],
  uses: string,
  from = 0,
  match: (a: Action) => boolean = () => true,
): number {
  const i = stage.findIndex((a, n) => n >= from && a.uses === uses && match(a));
  assert.ok(i >= 0, `expected ${uses} after step ${from}: ${stage.map((a) => a.uses).join(', ')}`);
  return i;
}

/**
 * Walks a stage as the Toolkit runs it and returns what each step read before anything had set it. `known`
 * grows with what the steps write: writeToEnvironmentFile, the template's outputs, `::set-teamsfx-env`.
 */
function unsetReads(label: string, stage: Action[], known: Set<string>): string[] {
  const problems: string[] = [];
  const read = (step: string, text: string) => {
    for (const name of placeholdersIn(text)) {
      if (!known.has(name)) problems.push(`${label}: ${step} reads ${name} before anything sets it`);
    }
  };
  for (const action of stage) {
    read(action.uses, JSON.stringify(action.with ?? {}));
    if (action.uses === 'arm/deploy') {
      const templates = withOf(action).templates as { path: string; parameters?: string }[];
      for (const t of templates) {
        if (t.parameters) read(`${action.uses} (${t.parameters})`, readText(t.parameters));
        const outputs = readJson<ArmTemplate>(t.path).outputs;
        // The Toolkit upper-cases output names before it writes them to the env file.
        for (const name of Object.keys(outputs)) known.add(name.toUpperCase());
      }
    }
    if (action.uses === 'aadApp/update') {
      // The driver generates the scope's id when the env file has none, and writes it there.
      known.add('AAD_APP_ACCESS_AS_USER_PERMISSION_ID');
      const manifestPath = stringArg(action, 'manifestPath');
      read(`${action.uses} (${manifestPath})`, readText(manifestPath));
    }
    if (action.uses === 'teamsApp/validateManifest' || action.uses === 'teamsApp/zipAppPackage') {
      const dir = path.dirname(stringArg(action, 'manifestPath'));
      for (const json of readdirSync(file(dir)).filter((f) => f.endsWith('.json'))) {
        read(`${action.uses} (${dir}/${json})`, readText(path.join(dir, json)));
      }
    }
    if (action.uses === 'script') {
      for (const m of stringArg(action, 'run').matchAll(/::set-teamsfx-env\s+(\w+)=/g)) known.add(m[1] ?? '');
    }
    for (const name of Object.values(action.writeToEnvironmentFile ?? {})) known.add(name);
  }
  return problems;
}

// ---- tests ------------------------------------------------------------------------------------------------------

describe('Azure deployment', () => {
  describe('infra/azure.json', () => {
    it('is a resource-group template whose expressions parse and use known functions, parameters and variables', () => {
      assert.match(template.$schema, /schemas\/2019-04-01\/deploymentTemplate\.json#$/);
      const used = { parameters: new Set<string>(), variables: new Set<string>() };
      for (const { at, text } of stringsOf(template)) {
        if (!isExpression(text)) continue;
        for (const call of callsIn(text)) {
          assert.ok(
            (knownFunctions as readonly string[]).includes(call.name),
            `${at}: ${call.name}() is not a function this test knows`,
          );
          if (call.name === 'parameters' || call.name === 'variables') {
            const name = literalOf(call.args[0]);
            assert.equal(typeof name, 'string', `${at}: ${call.name}() with a literal name`);
            const declared = call.name === 'parameters' ? template.parameters : template.variables;
            assert.ok(String(name) in declared, `${at}: ${call.name}('${String(name)}') is not declared`);
            used[call.name].add(String(name));
          }
        }
      }
      assert.deepEqual(
        Object.keys(template.parameters).filter((p) => !used.parameters.has(p)),
        [],
        'parameters nothing uses',
      );
      assert.deepEqual(
        Object.keys(template.variables).filter((v) => !used.variables.has(v)),
        [],
        'variables nothing uses',
      );
    });

    it('pins every API version to a date, and reads each resource with the version it is declared with', () => {
      const versions = new Map<string, string>();
      for (const r of allResources(template.resources)) {
        assert.match(r.apiVersion, /^\d{4}-\d{2}-\d{2}(-preview)?$/, `${r.type} apiVersion ${r.apiVersion}`);
        assert.equal(versions.get(r.type) ?? r.apiVersion, r.apiVersion, `one apiVersion for ${r.type}`);
        versions.set(r.type, r.apiVersion);
      }
      assert.ok(!JSON.stringify(template).toLowerCase().includes('latest'), 'nothing says "latest"');
      for (const { at, text } of stringsOf(template)) {
        if (!isExpression(text)) continue;
        for (const call of callsIn(text).filter((c) => c.name === 'reference' || c.name.startsWith('list'))) {
          const version = literalOf(call.args[1]);
          assert.match(String(version), /^\d{4}-\d{2}-\d{2}$/, `${at}: ${call.name}() names its apiVersion`);
        }
      }
      // With archiveShare on, every reference() and listKeys() is made; each matches its resource's declaration.
      const d = deploy({ ...fileParameters(devEnv()), archiveShare: true });
      const made = d.evaluator.calls.filter((c) => c.fn === 'reference' || c.fn === 'listKeys');
      assert.ok(made.length > 0);
      for (const call of made) {
        const type = typeOfResourceId(String(call.args[0]));
        assert.equal(
          call.args[1],
          versions.get(type),
          `${call.fn}() of ${type} uses its declared apiVersion`,
        );
      }
    });

    it('takes every parameter without a default from infra/azure.parameters.json, and nothing undeclared', () => {
      assert.match(parametersFile.$schema, /deploymentParameters\.json#$/);
      const inFile = Object.keys(parametersFile.parameters);
      const declared = Object.entries(template.parameters);
      assert.deepEqual(
        inFile.filter((p) => !(p in template.parameters)),
        [],
        'parameters the template does not declare',
      );
      assert.deepEqual(
        declared
          .filter(([name, p]) => p.defaultValue === undefined && !inFile.includes(name))
          .map(([n]) => n),
        [],
        'parameters without a default that the file leaves out',
      );
      for (const [name, { value }] of Object.entries(parametersFile.parameters)) {
        const type = template.parameters[name]?.type;
        const expected = type === 'bool' ? 'boolean' : type === 'int' ? 'number' : 'string';
        assert.equal(typeof value, expected, `${name} is a ${type ?? '?'}`);
      }
      // Every placeholder is something the Toolkit sets or the env file a person fills in has.
      const envNames = new Set([...toolkitBuiltIns, ...Object.keys(dotenv('env/.env.dev.example'))]);
      for (const name of placeholdersIn(readText('infra/azure.parameters.json'))) {
        assert.ok(
          envNames.has(name),
          `infra/azure.parameters.json reads ${name}, which env/.env.dev.example lacks`,
        );
      }
      // Filled in, the values pass the template's own limits (the Evaluator checks them).
      assert.doesNotThrow(() => deploy());
    });

    it('stops the deployment, not the bot, when ALLOWED_TENANT_IDS was left empty', () => {
      // The Toolkit leaves an empty variable's placeholder as it is; minLength then refuses it.
      const env = devEnv();
      delete env.ALLOWED_TENANT_IDS;
      assert.throws(() => deploy(fileParameters(env)), /parameter allowedTenantIds: shorter than 36/);
    });

    it('names every resource within Azure rules, from the Toolkit base name to the longest one allowed', () => {
      const rules: Record<string, RegExp> = {
        'Microsoft.Storage/storageAccounts': /^[a-z0-9]{3,24}$/,
        'Microsoft.Web/sites': /^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/,
        'Microsoft.Web/serverfarms': /^[A-Za-z0-9-]{1,60}$/,
        'Microsoft.BotService/botServices': /^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/,
        'Microsoft.ManagedIdentity/userAssignedIdentities': /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/,
        'Microsoft.OperationalInsights/workspaces': /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/,
        'Microsoft.Insights/components': /^[^%&\\?/]{1,260}$/,
      };
      const baseNames = ['samverkan' + 'a1b2c3', 'abcd', 'samverkansbot-prod-1', 'Upplands-Vasby-Bot'];
      for (const resourceBaseName of baseNames) {
        const d = deploy({ ...fileParameters(devEnv()), resourceBaseName, archiveShare: true });
        for (const [type, rule] of Object.entries(rules)) {
          const names = ofType(d, type).map((r) => r.name);
          assert.ok(names.length > 0, `${type} is deployed`);
          for (const name of names) assert.match(name, rule, `${type} name from ${resourceBaseName}`);
          assert.equal(new Set(names).size, names.length, `${type} names are distinct`);
        }
      }
      assert.throws(() => deploy({ ...fileParameters(devEnv()), resourceBaseName: 'samverkansbot-prod-12' }));
    });

    it('gives the web app every setting production requires, as loadConfig reads them', () => {
      const d = deploy();
      const settings = appSettings(d);
      const config = loadConfig(settings);
      assert.equal(config.production, true);
      assert.deepEqual(config.bot, {
        appId: fakeAzure.identity.clientId,
        appPassword: undefined,
        appType: 'UserAssignedMSI',
        tenantId: fakeAzure.tenantId,
      });
      assert.deepEqual(config.storage, {
        kind: 'accountUrl',
        url: `https://${tablesAccount(d).name}.table.core.windows.net`,
      });
      assert.deepEqual(config.allowedTenantIds, [municipalityTenant, policeTenant]);
      assert.equal(config.agreementFile, dotenv('env/.env.dev.example').AGREEMENT_FILE);
      assert.equal(config.clockStart, undefined, 'real time');
      assert.deepEqual(config.retention, { archiveDir: '/home/archive' });
      assert.equal(
        settings.AZURE_CLIENT_ID,
        fakeAzure.identity.clientId,
        'DefaultAzureCredential uses the identity',
      );

      // Which settings production cannot do without: each one's removal stops the bot.
      const loadBearing = Object.keys(settings).filter((name) => {
        const without = { ...settings };
        delete without[name];
        return throwsConfigError(without);
      });
      for (const name of [
        'MicrosoftAppId',
        'MicrosoftAppType',
        'MicrosoftAppTenantId',
        'STORAGE_ACCOUNT_URL',
        'ALLOWED_TENANT_IDS',
      ]) {
        assert.ok(loadBearing.includes(name), `${name} is required in production: ${loadBearing.join(', ')}`);
      }
      const { NODE_ENV: _, ...notProduction } = settings;
      assert.equal(
        loadConfig(notProduction).production,
        false,
        'NODE_ENV=production is what makes it production',
      );
    });

    it("gives the web app BOT_DOMAIN, its own host name: the tab's domain and the host of its sign-on audience", () => {
      const d = deploy();
      const settings = appSettings(d);
      assert.equal(settings.BOT_DOMAIN, d.outputs.BOT_DOMAIN, 'the host name Azure reports');
      assert.equal(settings.BOT_DOMAIN, `${webApp(d).name}.azurewebsites.net`);
      assert.equal(
        new URL(String(prop(one(d, 'Microsoft.BotService/botServices'), 'endpoint'))).host,
        settings.BOT_DOMAIN,
        'the host Teams posts to',
      );
      // The app package built from the outputs names the same host as the web app checks tokens for.
      assert.equal(
        optionsFromEnv({ MicrosoftAppId: settings.MicrosoftAppId, BOT_DOMAIN: String(d.outputs.BOT_DOMAIN) })
          .botDomain,
        settings.BOT_DOMAIN,
      );
    });

    it('sets only settings the bot or the platform knows, and no secret', () => {
      const settings = appSettings(deploy());
      const listed = Object.keys(dotenv('.env.example'));
      // A setting the bot reads is listed in .env.example, or at least checked: a bad value stops the bot.
      const checked = (name: string) => throwsConfigError({ ...settings, [name]: 'not a valid value' });
      for (const name of Object.keys(settings)) {
        assert.ok(
          listed.includes(name) || checked(name) || platformSettings.includes(name),
          `${name} is neither a setting of the bot nor of App Service (a misspelling?)`,
        );
      }
      assert.ok(!checked('MicrosoftAppID'), 'a misspelt name is not read at all');
      for (const name of [
        'MicrosoftAppPassword',
        'STORAGE_CONNECTION_STRING',
        'JOBS_TRIGGER_SECRET',
        'CLOCK_START',
      ]) {
        assert.ok(!(name in settings), `${name} is not set`);
      }
      assert.ok(!JSON.stringify(settings).includes(fakeAzure.storageKey), 'no storage key');
    });

    it('runs the web app on Linux, Node 20, with npm run serve, always on, HTTPS only, health check /healthz', () => {
      const d = deploy();
      const site = webApp(d);
      const plan = one(d, 'Microsoft.Web/serverfarms');
      assert.match(site.kind ?? '', /linux/);
      assert.equal(prop(plan, 'reserved'), true, 'a Linux plan');
      assert.equal(prop(site, 'serverFarmId'), resourceIdIn(plan));
      assert.equal(template.parameters.nodeVersion?.defaultValue, '20-lts');
      assert.equal(prop(site, 'siteConfig', 'linuxFxVersion'), 'NODE|20-lts');
      assert.equal(prop(site, 'httpsOnly'), true);
      assert.equal(prop(site, 'siteConfig', 'alwaysOn'), true);
      assert.equal(prop(site, 'siteConfig', 'healthCheckPath'), '/healthz');
      assert.equal(prop(site, 'siteConfig', 'minTlsVersion'), '1.2');
      assert.equal(prop(site, 'siteConfig', 'ftpsState'), 'Disabled');
      assert.equal(prop(site, 'siteConfig', 'appCommandLine'), 'npm run serve');
      const scripts = readJson<{ scripts: Record<string, string> }>('package.json').scripts;
      assert.match(
        scripts.serve ?? '',
        /\bnode\b.*\bdist\/index\.js$/,
        'npm run serve starts the compiled bot',
      );
      assert.equal(appSettings(d).WEBSITE_RUN_FROM_PACKAGE, '1');
      for (const policy of ['scm', 'ftp']) {
        const p = one(d, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies', (r) =>
          r.name.endsWith(`/${policy}`),
        );
        assert.equal(
          prop(p, 'allow'),
          false,
          `no basic auth for ${policy}: deployments sign in with Entra ID`,
        );
      }
      const identity = one(d, 'Microsoft.ManagedIdentity/userAssignedIdentities');
      assert.deepEqual(site.identity, {
        type: 'UserAssigned',
        userAssignedIdentities: { [resourceIdIn(identity)]: {} },
      });
    });

    it('keeps the tables in a storage account without shared keys, open to the identity as Table Data Contributor', () => {
      const d = deploy();
      const account = tablesAccount(d);
      assert.equal(prop(account, 'allowSharedKeyAccess'), false);
      assert.equal(prop(account, 'minimumTlsVersion'), 'TLS1_2');
      assert.equal(prop(account, 'supportsHttpsTrafficOnly'), true);
      assert.equal(prop(account, 'allowBlobPublicAccess'), false);
      one(d, 'Microsoft.Storage/storageAccounts/tableServices', (r) => r.name === `${account.name}/default`);

      const assignment = one(d, 'Microsoft.Authorization/roleAssignments');
      assert.equal(assignment.scope, `Microsoft.Storage/storageAccounts/${account.name}`);
      assert.equal(
        prop(assignment, 'roleDefinitionId'),
        `/subscriptions/${fakeAzure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3`,
        'Storage Table Data Contributor',
      );
      assert.equal(prop(assignment, 'principalId'), fakeAzure.identity.principalId);
      assert.equal(prop(assignment, 'principalType'), 'ServicePrincipal');
      const assignmentId = `${resourceIdIn(account)}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`;
      assert.ok(
        webApp(d).dependsOn?.includes(assignmentId),
        'the web app starts once it may read its tables',
      );
    });

    it('registers an Azure Bot on the identity, posting to /api/messages on the web app, with the Teams channel', () => {
      const d = deploy();
      const bot = one(d, 'Microsoft.BotService/botServices');
      const settings = appSettings(d);
      assert.equal(bot.kind, 'azurebot');
      assert.equal(bot.location, 'global');
      assert.equal(prop(bot, 'msaAppType'), 'UserAssignedMSI');
      assert.equal(
        prop(bot, 'msaAppId'),
        settings.MicrosoftAppId,
        "the bot's app id is the one the web app checks",
      );
      assert.equal(prop(bot, 'msaAppTenantId'), settings.MicrosoftAppTenantId);
      assert.equal(
        prop(bot, 'msaAppMSIResourceId'),
        resourceIdIn(one(d, 'Microsoft.ManagedIdentity/userAssignedIdentities')),
      );
      const endpoint = String(prop(bot, 'endpoint'));
      assert.equal(endpoint, `https://${webApp(d).name}.azurewebsites.net/api/messages`);
      assert.ok(endpoint.endsWith('/api/messages'));
      const teams = one(d, 'Microsoft.BotService/botServices/channels');
      assert.equal(teams.name, `${bot.name}/MsTeamsChannel`);
      assert.equal(prop(teams, 'channelName'), 'MsTeamsChannel');
      assert.equal(prop(teams, 'properties', 'isEnabled'), true);
    });

    it('sends telemetry to Application Insights on a Log Analytics workspace, and the console log there too', () => {
      const d = deploy();
      const workspace = one(d, 'Microsoft.OperationalInsights/workspaces');
      const insights = one(d, 'Microsoft.Insights/components');
      assert.equal(prop(insights, 'WorkspaceResourceId'), resourceIdIn(workspace));
      assert.match(appSettings(d).APPLICATIONINSIGHTS_CONNECTION_STRING ?? '', /^InstrumentationKey=/);
      const diagnostics = one(d, 'Microsoft.Insights/diagnosticSettings');
      assert.equal(diagnostics.scope, `Microsoft.Web/sites/${webApp(d).name}`);
      assert.equal(prop(diagnostics, 'workspaceId'), resourceIdIn(workspace));
      const logs = prop(diagnostics, 'logs') as { category: string; enabled: boolean }[];
      assert.ok(
        logs.some((l) => l.category === 'AppServiceConsoleLogs' && l.enabled),
        "the bot's JSON lines",
      );
    });

    it('archives to /home/archive, or with archiveShare to a mounted Azure Files share of its own', () => {
      const plain = deploy();
      assert.equal(appSettings(plain).ARCHIVE_DIR, '/home/archive');
      assert.equal(ofType(plain, 'Microsoft.Storage/storageAccounts').length, 1, 'no archive account');
      assert.equal(ofType(plain, 'Microsoft.Web/sites/config').length, 0, 'nothing mounted');
      assert.ok(!plain.evaluator.calls.some((c) => c.fn === 'listKeys'), 'no key is read');

      const shared = deploy({ ...fileParameters(devEnv()), archiveShare: true });
      const settings = appSettings(shared);
      const mounts = one(shared, 'Microsoft.Web/sites/config', (r) =>
        r.name.endsWith('/azurestorageaccounts'),
      );
      const mount = prop(mounts, 'archive') as Record<string, string>;
      assert.equal(mount.type, 'AzureFiles');
      assert.equal(mount.mountPath, settings.ARCHIVE_DIR);
      assert.equal(loadConfig(settings).retention.archiveDir, mount.mountPath);
      const archive = one(shared, 'Microsoft.Storage/storageAccounts', (r) => r.name === mount.accountName);
      one(
        shared,
        'Microsoft.Storage/storageAccounts/fileServices/shares',
        (r) => r.name === `${archive.name}/default/${mount.shareName}`,
      );
      // App Service mounts a share with its key: that account alone allows one; the tables' still does not.
      assert.equal(prop(archive, 'allowSharedKeyAccess'), true);
      assert.equal(prop(tablesAccount(shared), 'allowSharedKeyAccess'), false);
      const keyReads = shared.evaluator.calls.filter((c) => c.fn === 'listKeys');
      assert.deepEqual(
        keyReads.map((c) => c.args[0]),
        [resourceIdIn(archive)],
      );
    });

    it('outputs no secret, only names the Toolkit keeps as they are, each read by the yml, the package or the docs', () => {
      const raw = JSON.stringify(template.outputs);
      assert.doesNotMatch(
        raw,
        /list[A-Za-z]*\(|connectionstring|instrumentationkey|password|secret|accountkey/i,
      );
      const d = deploy({ ...fileParameters(devEnv()), archiveShare: true });
      const values = JSON.stringify(d.outputs);
      assert.ok(!values.includes(fakeAzure.storageKey) && !values.includes(fakeAzure.instrumentationKey));
      for (const [name, o] of Object.entries(template.outputs)) {
        assert.match(name, /^[A-Z][A-Z0-9_]*$/, `${name}: the Toolkit upper-cases output names`);
        assert.equal(o.type, 'string');
      }

      const settings = appSettings(d);
      assert.equal(d.outputs.BOT_ID, settings.MicrosoftAppId);
      assert.equal(d.outputs.BOT_TENANT_ID, settings.MicrosoftAppTenantId);
      assert.equal(d.outputs.STORAGE_ACCOUNT_URL, settings.STORAGE_ACCOUNT_URL);
      assert.equal(d.outputs.AZURE_APP_SERVICE_RESOURCE_ID, resourceIdIn(webApp(d)));
      assert.equal(d.outputs.WEB_APP_NAME, webApp(d).name);
      assert.equal(d.outputs.BOT_ENDPOINT, `https://${String(d.outputs.BOT_DOMAIN)}`);
      // `npm run package` takes them as they are.
      assert.deepEqual(
        optionsFromEnv({
          MicrosoftAppId: String(d.outputs.BOT_ID),
          BOT_DOMAIN: String(d.outputs.BOT_DOMAIN),
        }),
        { appId: d.outputs.BOT_ID, teamsAppId: undefined, botDomain: d.outputs.BOT_DOMAIN },
      );

      const readers = [
        readText('m365agents.yml'),
        readText('docs/deployment.md'),
        readText('src/tools/packageApp.ts'),
      ].join('\n');
      for (const name of Object.keys(template.outputs)) {
        assert.ok(readers.includes(name), `nothing reads the output ${name}`);
      }
    });
  });

  describe('m365agents.yml and m365agents.local.yml', () => {
    const remote = readYml('m365agents.yml');
    const local = readYml('m365agents.local.yml');

    it('parse as the same schema version, with the environments in env/', () => {
      assert.match(remote.version, /^v1\.\d+$/);
      assert.equal(local.version, remote.version);
      for (const [label, yml] of [
        ['m365agents.yml', remote],
        ['m365agents.local.yml', local],
      ] as const) {
        assert.equal(yml.environmentFolderPath, './env', label);
        assert.match(
          readText(label),
          new RegExp(`\\$schema=\\S+/${yml.version.replace('.', '\\.')}/yaml\\.schema\\.json`),
        );
        assert.ok(Array.isArray(yml.provision) && yml.provision.length > 0, `${label} has provision`);
        assert.ok(Array.isArray(yml.deploy) && yml.deploy.length > 0, `${label} has deploy`);
      }
    });

    it('provision creates the Teams app, deploys the template, then validates, zips and updates the package', () => {
      for (const stage of [remote.provision ?? [], local.provision ?? []]) {
        const create = indexOf(stage, 'teamsApp/create');
        const idSet = indexOf(stage, 'script', create, (a) =>
          /set-teamsfx-env MicrosoftAppId=/.test(String(a.with?.run)),
        );
        const validate = indexOf(stage, 'teamsApp/validateManifest', idSet);
        const zip = indexOf(stage, 'teamsApp/zipAppPackage', validate);
        const update = indexOf(stage, 'teamsApp/update', zip);
        assert.equal(stage[create]?.writeToEnvironmentFile?.teamsAppId, 'TEAMS_APP_ID');
        for (const step of [validate, zip]) {
          assert.equal(stringArg(stage[step] as Action, 'manifestPath'), './manifest/manifest.json');
        }
        assert.equal(
          stringArg(stage[update] as Action, 'appPackagePath'),
          stringArg(stage[zip] as Action, 'outputZipPath'),
        );
        assert.match(
          stringArg(stage[zip] as Action, 'outputZipPath'),
          /^\.\/build\//,
          'under build/, which git ignores',
        );
      }
      const provision = remote.provision ?? [];
      const arm = provision[
        indexOf(provision, 'arm/deploy', indexOf(provision, 'teamsApp/create'))
      ] as Action;
      assert.ok(
        provision.indexOf(arm) < provision.findIndex((a) => a.uses === 'script'),
        'BOT_ID comes from arm/deploy',
      );
      const [only, ...more] = withOf(arm).templates as { path: string; parameters: string }[];
      assert.deepEqual(more, []);
      assert.deepEqual(only && [path.normalize(only.path), path.normalize(only.parameters)], [
        path.normalize('infra/azure.json'),
        path.normalize('infra/azure.parameters.json'),
      ]);
      // The manifest's placeholders are the ones `npm run package` fills in as well.
      assert.deepEqual(
        placeholdersIn(readText('manifest/manifest.json')).sort(),
        Object.values(placeholders)
          .flatMap((p) => placeholdersIn(p))
          .sort(),
      );

      const localProvision = local.provision ?? [];
      const bot = localProvision[indexOf(localProvision, 'botFramework/create')] as Action;
      assert.match(stringArg(bot, 'messagingEndpoint'), /\/api\/messages$/);
      assert.deepEqual(withOf(bot).channels, [{ name: 'msteams' }]);
    });

    it('deploy installs, builds, stages build/webapp with production dependencies and zip-deploys it to the web app', () => {
      const stage = remote.deploy ?? [];
      const install = indexOf(stage, 'cli/runNpmCommand', 0, (a) => /^ci\b/.test(String(a.with?.args)));
      const build = indexOf(stage, 'cli/runNpmCommand', install, (a) => a.with?.args === 'run build');
      const staging = indexOf(stage, 'script', build);
      assert.equal(stringArg(stage[staging] as Action, 'run'), 'node infra/stageWebApp.mjs');
      const prodInstall = indexOf(
        stage,
        'cli/runNpmCommand',
        staging,
        (a) => a.with?.workingDirectory !== undefined,
      );
      const prod = stage[prodInstall] as Action;
      assert.equal(path.normalize(stringArg(prod, 'workingDirectory')), path.normalize('build/webapp'));
      assert.match(stringArg(prod, 'args'), /^ci\b.*--omit=dev/);
      const zip = stage[indexOf(stage, 'azureAppService/zipDeploy', prodInstall)] as Action;
      assert.equal(path.normalize(stringArg(zip, 'artifactFolder')), path.normalize('build/webapp'));
      assert.equal(stringArg(zip, 'resourceId'), '${{AZURE_APP_SERVICE_RESOURCE_ID}}');
      assert.match(stringArg(zip, 'outputZipFile'), /^\.\/build\//, 'under build/, which git ignores');
    });

    it('reads in each step only values that the env file, an earlier step or the template has set by then', () => {
      const problems: string[] = [];
      for (const [label, yml, env] of [
        ['m365agents.yml', remote, 'dev'],
        ['m365agents.local.yml', local, 'local'],
      ] as const) {
        const known = new Set([...toolkitBuiltIns, ...Object.keys(dotenv(`env/.env.${env}.example`))]);
        // deploy and publish run later, with everything provision wrote to the env file.
        problems.push(...unsetReads(`${label} provision`, yml.provision ?? [], known));
        problems.push(...unsetReads(`${label} deploy`, yml.deploy ?? [], new Set(known)));
        problems.push(...unsetReads(`${label} publish`, yml.publish ?? [], new Set(known)));
      }
      assert.deepEqual(problems, []);
      for (const [label, yml] of [
        ['m365agents.yml', remote],
        ['m365agents.local.yml', local],
      ] as const) {
        for (const stage of [yml.provision ?? [], yml.deploy ?? [], yml.publish ?? []]) {
          for (const action of stage) {
            for (const key of ['manifestPath', 'path', 'parameters']) {
              const p = action.with?.[key];
              if (typeof p === 'string') assert.ok(existsSync(file(p)), `${label}: ${p} exists`);
            }
            for (const t of (action.with?.templates ?? []) as { path: string; parameters: string }[]) {
              assert.ok(existsSync(file(t.path)) && existsSync(file(t.parameters)), `${label}: ${t.path}`);
            }
          }
        }
      }
    });

    it('gives the package BOT_DOMAIN in both: the template output in Azure, the tunnel host locally', () => {
      const provision = remote.provision ?? [];
      const arm = indexOf(provision, 'arm/deploy');
      assert.ok(arm < indexOf(provision, 'teamsApp/zipAppPackage', arm), 'the output exists before the zip');
      assert.ok('BOT_DOMAIN' in template.outputs);

      const stage = local.provision ?? [];
      const script = stage[
        indexOf(stage, 'script', 0, (a) => /set-teamsfx-env BOT_DOMAIN=/.test(String(a.with?.run)))
      ] as Action;
      // Runs the step's command as the Toolkit would, with the env file's values filled in.
      const run = fillPlaceholders(stringArg(script, 'run'), {
        BOT_ID: '6f1c2b7a-3d4e-4f50-8a9b-0c1d2e3f4a5b',
        BOT_ENDPOINT: 'https://k7q2x9-3978.euw.devtunnels.ms/',
      });
      const result = spawnSync(run, { shell: true, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const set = Object.fromEntries(
        [...result.stdout.matchAll(/^::set-teamsfx-env (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
      );
      assert.deepEqual(set, {
        MicrosoftAppId: '6f1c2b7a-3d4e-4f50-8a9b-0c1d2e3f4a5b',
        BOT_DOMAIN: 'k7q2x9-3978.euw.devtunnels.ms',
      });
      assert.doesNotThrow(() => optionsFromEnv(set), '`npm run package` takes the same values');
    });

    it("the local variant applies the Entra manifest of the tab's sign-on to the app registration it creates", () => {
      const stage = local.provision ?? [];
      const create = indexOf(stage, 'aadApp/create');
      const domain = indexOf(stage, 'script', create, (a) => /BOT_DOMAIN=/.test(String(a.with?.run)));
      const update = stage[indexOf(stage, 'aadApp/update', domain)] as Action;
      assert.equal(
        path.normalize(stringArg(update, 'manifestPath')),
        path.normalize('infra/entra/aad.manifest.json'),
      );
      assert.match(stringArg(update, 'outputFilePath'), /^\.\/build\//, 'under build/, which git ignores');
      assert.ok(
        stage.indexOf(update) < indexOf(stage, 'teamsApp/update'),
        'the sign-on is in place before Teams gets the package',
      );
      const written = stage[create]?.writeToEnvironmentFile ?? {};
      const manifest = readJson<{ id: string; appId: string }>('infra/entra/aad.manifest.json');
      assert.equal(
        manifest.id,
        `\${{${written.objectId}}}`,
        'the registration aadApp/create made (object id)',
      );
      assert.equal(manifest.appId, `\${{${written.clientId}}}`, 'its client id, the bot id');
      assert.equal(written.clientId, 'BOT_ID');
    });

    it('the local variant writes a .env that starts the bot as a single-tenant bot with its secret', () => {
      const stage = local.deploy ?? [];
      const write = stage[
        indexOf(stage, 'file/createOrUpdateEnvironmentFile', 0, (a) => a.with?.target === './.env')
      ] as Action;
      const samples: Record<string, string> = {
        BOT_ID: '6f1c2b7a-3d4e-4f50-8a9b-0c1d2e3f4a5b',
        SECRET_BOT_PASSWORD: 'a client secret',
        BOT_TENANT_ID: municipalityTenant,
        TEAMS_APP_TENANT_ID: municipalityTenant,
        BOT_DOMAIN: 'k7q2x9-3978.euw.devtunnels.ms',
      };
      const envs = Object.fromEntries(
        Object.entries(withOf(write).envs as Record<string, string>).map(([k, v]) => [
          k,
          fillPlaceholders(String(v), samples),
        ]),
      );
      assert.deepEqual(placeholdersIn(JSON.stringify(envs)), [], 'every value is filled in');
      const config = loadConfig(envs);
      assert.equal(config.production, false);
      assert.deepEqual(config.bot, {
        appId: samples.BOT_ID,
        appPassword: samples.SECRET_BOT_PASSWORD,
        appType: 'SingleTenant',
        tenantId: municipalityTenant,
      });
      assert.deepEqual(config.allowedTenantIds, [municipalityTenant]);
      assert.equal(envs.BOT_DOMAIN, samples.BOT_DOMAIN, "the tab's domain, as in the package");
    });

    it('keeps the env files the Toolkit fills in, the secrets and the build out of git', () => {
      const ignored = (p: string) =>
        spawnSync('git', ['check-ignore', '-q', p], { cwd: repoRoot }).status === 0;
      for (const p of [
        'env/.env.dev',
        'env/.env.dev.user',
        'env/.env.local',
        'env/.env.local.user',
        '.env',
      ]) {
        assert.ok(ignored(p), `${p} is ignored`);
      }
      for (const p of [
        'build/webapp/package.json',
        'build/webapp.zip',
        'build/appPackage/samverkansbot.dev.zip',
        'build/entra/aad.manifest.local.json',
      ]) {
        assert.ok(ignored(p), `${p} is ignored`);
      }
      for (const p of ['env/.env.dev.example', 'env/.env.local.example', 'infra/azure.parameters.json']) {
        assert.ok(!ignored(p), `${p} is committed`);
      }
      for (const example of ['env/.env.dev.example', 'env/.env.local.example']) {
        for (const [name, value] of Object.entries(dotenv(example))) {
          assert.doesNotMatch(value, /[0-9a-f]{8}-[0-9a-f]{4}-/i, `${example}: ${name} holds no real id`);
        }
      }
    });
  });

  describe('infra/stageWebApp.mjs', () => {
    let root: string;

    beforeEach(() => {
      root = mkdtempSync(path.join(tmpdir(), 'samverkansbot-stage-'));
      const files: Record<string, string> = {
        'package.json': '{"name":"fake","type":"module","scripts":{"serve":"node dist/index.js"}}',
        'package-lock.json': '{"lockfileVersion":3}',
        'dist/index.js': '',
        'dist/bot/cards.js': '',
        'cards/help.json': '{}',
        'agreements/example.yaml': '',
        'src/index.ts': '',
        'test/app.test.ts': '',
        '.env': 'MicrosoftAppPassword=a secret',
        'env/.env.dev': 'TEAMS_APP_ID=x',
        'node_modules/typescript/package.json': '{}',
        'build/webapp/stale.txt': 'from an earlier run',
      };
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        writeFileSync(path.join(root, name), content);
      }
    });

    afterEach(() => {
      rmSync(root, { recursive: true, force: true });
    });

    function stage() {
      return spawnSync(process.execPath, [file('infra/stageWebApp.mjs')], { cwd: root, encoding: 'utf8' });
    }

    function filesUnder(dir: string): string[] {
      return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .sort();
    }

    it('copies what the web app runs, and nothing else: no source, tests, secrets or dev dependencies', () => {
      const run = stage();
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(filesUnder(path.join(root, 'build', 'webapp')), [
        'agreements/example.yaml',
        'cards/help.json',
        'dist/bot/cards.js',
        'dist/index.js',
        'package-lock.json',
        'package.json',
      ]);
    });

    it('refuses to stage a bot that was not built', () => {
      rmSync(path.join(root, 'dist'), { recursive: true });
      const run = stage();
      assert.equal(run.status, 1);
      assert.match(run.stderr, /npm run build/);
    });

    it('stages everything the bot reads from beside its code: the cards and the agreement files', () => {
      const script = readText('infra/stageWebApp.mjs');
      assert.match(
        readText('src/features/shared/cards.ts'),
        /new URL\('\.\.\/\.\.\/\.\.\/cards\/', import\.meta\.url\)/,
      );
      for (const entry of ['cards', 'agreements', 'dist', 'package.json', 'package-lock.json']) {
        assert.ok(script.includes(`'${entry}'`), entry);
      }
      for (const agreement of [
        String(template.parameters.agreementFile?.defaultValue),
        dotenv('env/.env.dev.example').AGREEMENT_FILE ?? '',
      ]) {
        assert.match(agreement, /^agreements\//);
        assert.ok(existsSync(file(agreement)), agreement);
      }
    });
  });

  describe('docs/deployment.md', () => {
    const docs = readText('docs/deployment.md');

    it('deploys the template with az, overriding every parameter the file leaves to the Toolkit', () => {
      const command = docs
        .replace(/\\\r?\n\s*/g, ' ')
        .split(/\r?\n/)
        .find((line) => line.includes('az deployment group create'));
      assert.ok(command, 'an az deployment group create command');
      assert.match(command, /--template-file infra\/azure\.json/);
      assert.match(command, /--parameters @infra\/azure\.parameters\.json/);
      for (const [name, { value }] of Object.entries(parametersFile.parameters)) {
        if (typeof value === 'string' && placeholdersIn(value).length > 0) {
          assert.match(command, new RegExp(`\\b${name}=`), `${name} is given on the command line`);
        }
      }
      assert.match(docs, /az webapp deploy\b/);
      assert.match(docs, /node infra\/stageWebApp\.mjs/);
    });
  });
});
