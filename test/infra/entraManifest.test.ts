/**
 * The dashboard tab's single sign-on in Entra ID, checked offline: infra/entra/aad.manifest.json (what the Agents
 * Toolkit's aadApp/update applies to the app registration) against the Teams app manifest it must match, and
 * docs/deployment.md's steps against the file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fillManifest, readManifestTemplate, repoRoot } from '../../src/tools/packageApp.js';
import { withoutCodeBlocks } from '../docs/markdown.js';

/**
 * Microsoft's clients that may ask for the tab's token without a consent prompt, as Microsoft documents them for
 * tabs (Teams) and for Teams apps in Microsoft 365 and Outlook. Some clients share an id.
 */
const preAuthorizedClients = {
  '1fec8e78-bce4-4aaf-ab1b-5451cc387264': 'Teams desktop and mobile',
  '5e3ce6c0-2b1f-4285-8d4b-75ee78787346': 'Teams web',
  '4765445b-32c6-49b0-83e6-1d93765276ca': 'Microsoft 365 web',
  '0ec893e0-5785-4de6-99da-4ed124e5296c': 'Microsoft 365 desktop',
  'd3590ed6-52b3-4102-aeff-aad2292ab01c': 'Microsoft 365 mobile, Outlook desktop',
  'bc59ab01-8403-45c6-8796-ac3ef710b3e3': 'Outlook web',
  '27922004-5251-4030-b22d-91ecd9a37ea4': 'Outlook mobile',
} as const;

const teamsClients = ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346'];

interface PermissionScope {
  id: string;
  value: string;
  type: string;
  isEnabled: boolean;
  adminConsentDisplayName: string;
  adminConsentDescription: string;
  userConsentDisplayName: string;
  userConsentDescription: string;
}

/** The Microsoft Graph application format the Toolkit's aadApp/update takes, as far as this file uses it. */
interface EntraManifest {
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  identifierUris: string[];
  api: {
    requestedAccessTokenVersion: number;
    oauth2PermissionScopes: PermissionScope[];
    preAuthorizedApplications: { appId: string; delegatedPermissionIds: string[] }[];
  };
  [other: string]: unknown;
}

const manifestText = readFileSync(path.join(repoRoot, 'infra/entra/aad.manifest.json'), 'utf8');
const manifest = JSON.parse(manifestText) as EntraManifest;

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

describe('infra/entra/aad.manifest.json', () => {
  it("gives the registration the Application ID URI the app package's webApplicationInfo asks Teams for", async () => {
    const botId = '6f1c2b7a-3d4e-4f50-8a9b-0c1d2e3f4a5b';
    const botDomain = 'k7q2x9-3978.euw.devtunnels.ms';
    const filled = JSON.parse(
      fill(manifestText, {
        BOT_ID: botId,
        BOT_DOMAIN: botDomain,
        BOT_OBJECT_ID: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
        TEAMSFX_ENV: 'local',
        AAD_APP_ACCESS_AS_USER_PERMISSION_ID: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
      }),
    ) as EntraManifest;
    assert.doesNotMatch(
      JSON.stringify(filled),
      /\$\{\{/,
      'every placeholder is one the local provision sets',
    );
    const teams = fillManifest(await readManifestTemplate(), { appId: botId, botDomain });
    assert.deepEqual(filled.identifierUris, [teams.webApplicationInfo?.resource]);
    assert.equal(filled.appId, teams.webApplicationInfo?.id);
    assert.deepEqual(
      filled.identifierUris,
      [`api://${botDomain}/${botId}`],
      'the audience the server checks',
    );
  });

  it('asks for v2 access tokens, whose issuer is https://login.microsoftonline.com/<tenant>/v2.0', () => {
    assert.equal(manifest.api.requestedAccessTokenVersion, 2);
  });

  it('exposes one scope, access_as_user, that admins and users may consent to', () => {
    assert.equal(manifest.api.oauth2PermissionScopes.length, 1);
    const [scope] = manifest.api.oauth2PermissionScopes;
    assert.ok(scope);
    assert.equal(scope.value, 'access_as_user');
    assert.equal(scope.type, 'User', 'User: admins and users; Admin would leave users waiting for an admin');
    assert.equal(scope.isEnabled, true);
    assert.equal(scope.id, '${{AAD_APP_ACCESS_AS_USER_PERMISSION_ID}}', 'generated once by aadApp/update');
    for (const text of [
      scope.adminConsentDisplayName,
      scope.adminConsentDescription,
      scope.userConsentDisplayName,
      scope.userConsentDescription,
    ]) {
      assert.match(text, /Samverkansbot dashboard/);
    }
  });

  it("pre-authorizes Teams' clients (and Microsoft 365's and Outlook's) for that scope, and no one else", () => {
    const scopeId = manifest.api.oauth2PermissionScopes[0]?.id;
    const clients = manifest.api.preAuthorizedApplications;
    assert.deepEqual(clients.map((c) => c.appId).sort(), Object.keys(preAuthorizedClients).sort());
    for (const id of teamsClients)
      assert.ok(
        clients.some((c) => c.appId === id),
        `Teams client ${id}`,
      );
    for (const client of clients) assert.deepEqual(client.delegatedPermissionIds, [scopeId], client.appId);
  });

  it('adds no secret, certificate, redirect or Graph permission: the tab needs none', () => {
    for (const key of ['passwordCredentials', 'keyCredentials', 'web', 'spa', 'requiredResourceAccess']) {
      assert.ok(!(key in manifest), `${key} is left alone`);
    }
    assert.deepEqual(Object.keys(manifest).sort(), [
      'api',
      'appId',
      'displayName',
      'id',
      'identifierUris',
      'signInAudience',
    ]);
    // The registration stays what aadApp/create made it: single-tenant (docs/deployment.md tells production's way).
    assert.equal(manifest.signInAudience, 'AzureADMyOrg');
  });
});

describe("docs/deployment.md on the tab's single sign-on", () => {
  const docs = withoutCodeBlocks(readFileSync(path.join(repoRoot, 'docs/deployment.md'), 'utf8'));
  const section = docs.slice(docs.indexOf('## The dashboard tab and its single sign-on'));
  const sectionEnd = section.indexOf('\n## ', 3);
  const text = sectionEnd > 0 ? section.slice(0, sectionEnd) : section;

  it('has the section', () => {
    assert.ok(docs.includes('## The dashboard tab and its single sign-on'));
  });

  it('lists exactly the pre-authorized clients of the Entra manifest, with their names', () => {
    const rows = [...text.matchAll(/^\s*\|\s*([^|]+?)\s*\|\s*`([0-9a-f-]{36})`\s*\|\s*$/gm)].map(
      (m) => [m[2] ?? '', m[1] ?? ''] as const,
    );
    assert.deepEqual(Object.fromEntries(rows), preAuthorizedClients);
    assert.deepEqual(
      rows.map(([id]) => id).sort(),
      manifest.api.preAuthorizedApplications.map((c) => c.appId).sort(),
    );
  });

  it('names the URI, the scope, the consent, the token version, no secret, and ALLOWED_TENANT_IDS', () => {
    for (const needle of [
      'api://<BOT_DOMAIN>/<client id>',
      '`access_as_user`',
      'Admins and users',
      '"requestedAccessTokenVersion": 2',
      '"accessTokenAcceptedVersion": 2',
      'no client secret',
      'infra/entra/aad.manifest.json',
    ]) {
      assert.ok(text.includes(needle), `the section says ${needle}`);
    }
    assert.match(text, /`ALLOWED_TENANT_IDS` decides who\s+can sign in to the tab/);
  });
});
