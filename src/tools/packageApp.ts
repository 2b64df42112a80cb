/**
 * Builds the Teams app package (build/samverkansbot.zip) from manifest/.
 *
 *   MicrosoftAppId=<guid> BOT_DOMAIN=<host> [TEAMS_APP_ID=<guid>] npm run package
 *
 * The zip holds manifest.json with the ids and the bot's host filled in, the two icons and the localization
 * files, all at the root, which is the layout Teams expects when an admin uploads a custom app. The host is
 * where Teams loads the dashboard tab from and the domain of its single sign-on resource
 * (`api://<BOT_DOMAIN>/<MicrosoftAppId>`), so the package cannot be built without it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppManifestUtils, type TeamsManifestV1D30 } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { z } from 'zod';
import { isMainModule } from '../platform/mainModule.js';

export type TeamsAppManifest = TeamsManifestV1D30.TeamsManifestV1D30;

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const defaultManifestDir = path.join(repoRoot, 'manifest');
export const defaultOutputFile = path.join(repoRoot, 'build', 'samverkansbot.zip');

/** Placeholders in manifest/manifest.json, replaced by {@link fillManifest}. */
export const placeholders = {
  botId: '${{MicrosoftAppId}}',
  teamsAppId: '${{TEAMS_APP_ID}}',
  botDomain: '${{BOT_DOMAIN}}',
} as const;

export interface AppPackageOptions {
  /** The bot's Microsoft App ID (Entra app registration / Azure Bot). */
  appId: string;
  /** The Teams app id; defaults to the bot's app id. */
  teamsAppId?: string | undefined;
  /** Host name the bot and its tab are served from: the tabs' URLs, validDomains, the sign-on resource. */
  botDomain: string;
  /** Directory holding manifest.json, the icons and the localization files. */
  manifestDir?: string | undefined;
}

export class AppPackageError extends Error {
  override name = 'AppPackageError';
}

const guid = (what: string) =>
  z.guid({ error: `${what} must be a GUID such as 00000000-0000-0000-0000-000000000000` });

const missingBotDomain =
  "BOT_DOMAIN must be set to build the Teams app package: the bot's host name, e.g. samverkansbot.azurewebsites.net";

const hostName = z
  .string({ error: missingBotDomain })
  .regex(
    /^(?=.{1,253}(:|$))([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/i,
    'BOT_DOMAIN must be a host name such as samverkansbot.example.se (no scheme, no path)',
  );

const optionsSchema = z.object({
  appId: guid('MicrosoftAppId'),
  teamsAppId: guid('TEAMS_APP_ID').optional(),
  botDomain: hostName,
  manifestDir: z.string().optional(),
});

function checkOptions(options: AppPackageOptions): AppPackageOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AppPackageError(parsed.error.issues.map((i) => i.message).join('; '));
  }
  return parsed.data;
}

/** Reads the package options from the environment; throws {@link AppPackageError} with a one-line message. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): AppPackageOptions {
  const blankToUndefined = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  const appId = blankToUndefined(env.MicrosoftAppId);
  if (!appId) {
    throw new AppPackageError('MicrosoftAppId must be set to build the Teams app package');
  }
  const botDomain = blankToUndefined(env.BOT_DOMAIN);
  if (!botDomain) {
    throw new AppPackageError(missingBotDomain);
  }
  return checkOptions({ appId, teamsAppId: blankToUndefined(env.TEAMS_APP_ID), botDomain });
}

export async function readManifestTemplate(manifestDir: string = defaultManifestDir): Promise<unknown> {
  return JSON.parse(await readFile(path.join(manifestDir, 'manifest.json'), 'utf8')) as unknown;
}

/** Returns a copy of the manifest template with the ids and the bot's host filled in, the host in validDomains. */
export function fillManifest(template: unknown, options: AppPackageOptions): TeamsAppManifest {
  const { appId, teamsAppId, botDomain } = checkOptions(options);
  const json = JSON.stringify(template)
    .replaceAll(placeholders.botId, appId)
    .replaceAll(placeholders.teamsAppId, teamsAppId ?? appId)
    .replaceAll(placeholders.botDomain, botDomain);
  const left = /\$\{\{[^}]*\}\}/.exec(json);
  if (left) {
    throw new AppPackageError(`manifest.json has a placeholder that is not filled in: ${left[0]}`);
  }
  const manifest = JSON.parse(json) as TeamsAppManifest;
  if (!(manifest.validDomains ?? []).includes(botDomain)) {
    manifest.validDomains = [...(manifest.validDomains ?? []), botDomain];
  }
  return manifest;
}

export type SchemaKind = 'manifest' | 'localization';

/** Loads the Teams JSON schema shipped inside @microsoft/app-manifest, so validation never needs the network. */
export async function loadTeamsSchema(
  manifestVersion: string,
  kind: SchemaKind = 'manifest',
): Promise<object> {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(path.dirname(require.resolve('@microsoft/app-manifest')));
  const file = kind === 'manifest' ? 'MicrosoftTeams.schema.json' : 'MicrosoftTeams.Localization.schema.json';
  const schemaPath = path.join(packageDir, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, file);
  let text: string;
  try {
    text = await readFile(schemaPath, 'utf8');
  } catch {
    throw new AppPackageError(
      `@microsoft/app-manifest has no ${kind} schema for manifest version ${manifestVersion}`,
    );
  }
  // Same clean-up as AppManifestUtils.fetchSchema: some schemas contain escapes JSON.parse rejects.
  const schema = JSON.parse(text.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as unknown;
  return repairPatterns(schema) as object;
}

/**
 * AJV compiles schema patterns with the `u` flag, under which a lone `]` is a syntax error. The shipped
 * localization schemas have such patterns (`activities.activityTypes[\b(...)\b]`), so AJV cannot compile them
 * as they are. Escaping the lone `]` gives the same language and a pattern that compiles.
 */
function repairPatterns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(repairPatterns);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === 'pattern' && typeof value === 'string') return [key, unicodeSafePattern(value)];
      if (key === 'patternProperties' && value !== null && typeof value === 'object') {
        return [
          key,
          Object.fromEntries(
            Object.entries(value).map(([pattern, sub]) => [unicodeSafePattern(pattern), repairPatterns(sub)]),
          ),
        ];
      }
      return [key, repairPatterns(value)];
    }),
  );
}

function unicodeSafePattern(pattern: string): string {
  try {
    new RegExp(pattern, 'u');
    return pattern;
  } catch {
    let out = '';
    let inClass = false;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charAt(i);
      if (c === '\\') {
        out += c + pattern.charAt(i + 1);
        i++;
      } else if (c === '[' && !inClass) {
        inClass = true;
        out += c;
      } else if (c === ']') {
        out += inClass ? c : '\\]';
        inClass = false;
      } else {
        out += c;
      }
    }
    return out;
  }
}

type ValidationSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;
type ValidationTarget = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];

/** Validates a document against a local schema; returns the error lines (empty when valid). */
export async function validateAgainstLocalSchema(
  document: unknown,
  manifestVersion: string,
  kind: SchemaKind = 'manifest',
): Promise<string[]> {
  const schema = await loadTeamsSchema(manifestVersion, kind);
  return AppManifestUtils.validateAgainstSchema(document as ValidationTarget, schema as ValidationSchema);
}

/** The files that go into the zip besides manifest.json: icons and localization files. */
export function packageFiles(manifest: TeamsAppManifest): string[] {
  const files = [manifest.icons.color, manifest.icons.outline];
  if (manifest.icons.color32x32) files.push(manifest.icons.color32x32);
  for (const lang of manifest.localizationInfo?.additionalLanguages ?? []) files.push(lang.file);
  if (manifest.localizationInfo?.defaultLanguageFile)
    files.push(manifest.localizationInfo.defaultLanguageFile);
  for (const file of files) {
    if (path.isAbsolute(file) || file.includes('..') || file.includes('/') || file.includes('\\')) {
      throw new AppPackageError(`manifest.json refers to ${file}; files must sit next to manifest.json`);
    }
  }
  return [...new Set(files)];
}

/** Fixed time stamp for the zip entries, so the same input gives the same zip. */
const zipDate = new Date(Date.UTC(2025, 0, 1));

/**
 * Builds the Teams app package: manifest.json (ids filled in, validated against the schema shipped with
 * @microsoft/app-manifest), icons and localization files, all at the zip root.
 */
export async function buildAppPackage(options: AppPackageOptions): Promise<Buffer> {
  const manifestDir = options.manifestDir ?? defaultManifestDir;
  const manifest = fillManifest(await readManifestTemplate(manifestDir), options);

  const errors = await validateAgainstLocalSchema(manifest, manifest.manifestVersion);
  if (errors.length > 0) {
    throw new AppPackageError(`manifest.json does not match its schema: ${errors.join('; ')}`);
  }

  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date: zipDate });
  const languageFiles = new Set((manifest.localizationInfo?.additionalLanguages ?? []).map((l) => l.file));
  for (const file of packageFiles(manifest)) {
    let content: Buffer;
    try {
      content = await readFile(path.join(manifestDir, file));
    } catch {
      throw new AppPackageError(`manifest.json refers to ${file}, which is missing from ${manifestDir}`);
    }
    if (languageFiles.has(file)) {
      const localizationErrors = await validateAgainstLocalSchema(
        JSON.parse(content.toString('utf8')),
        manifest.manifestVersion,
        'localization',
      );
      if (localizationErrors.length > 0) {
        throw new AppPackageError(`${file} does not match its schema: ${localizationErrors.join('; ')}`);
      }
    }
    zip.file(file, content, { date: zipDate });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

async function main(): Promise<number> {
  let options: AppPackageOptions;
  try {
    options = optionsFromEnv();
  } catch (e) {
    if (e instanceof AppPackageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  try {
    const zip = await buildAppPackage(options);
    await mkdir(path.dirname(defaultOutputFile), { recursive: true });
    await writeFile(defaultOutputFile, zip);
  } catch (e) {
    if (e instanceof AppPackageError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  console.log(
    `Teams app package written to ${path.relative(process.cwd(), defaultOutputFile) || defaultOutputFile}`,
  );
  return 0;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main();
}
