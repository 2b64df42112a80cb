import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { manifestCommands, teamsScopes } from '../../src/domain/commandCatalog.js';
import {
  AppPackageError,
  buildAppPackage,
  defaultManifestDir,
  fillManifest,
  loadTeamsSchema,
  optionsFromEnv,
  readManifestTemplate,
  repoRoot,
  validateAgainstLocalSchema,
  type TeamsAppManifest,
} from '../../src/tools/packageApp.js';

const appId = '6f1c2b7a-3d4e-4f50-8a9b-0c1d2e3f4a5b';
const otherId = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
const botDomain = 'samverkansbot.example.se';

type ValidationSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

async function filled(options: Partial<Parameters<typeof fillManifest>[1]> = {}): Promise<TeamsAppManifest> {
  return fillManifest(await readManifestTemplate(), { appId, botDomain, ...options });
}

function commandLists(manifest: TeamsAppManifest) {
  const bot = manifest.bots?.[0];
  assert.ok(bot, 'manifest has a bot');
  return bot.commandLists ?? [];
}

interface Png {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  pixels: Buffer;
}

/** Minimal PNG reader for 8-bit RGBA, non-interlaced images (what the icons are). */
function readPng(data: Buffer): Png {
  assert.deepEqual(
    [...data.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'PNG signature',
  );
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (let pos = 8; pos < data.length;) {
    const length = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    const body = data.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.deepEqual([...body.subarray(8, 13)], [8, 6, 0, 0, 0], '8-bit RGBA, not interlaced');
    } else if (type === 'IDAT') {
      idat.push(body);
    }
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= 4 ? (pixels[y * stride + x - 4] ?? 0) : 0;
      const b = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= 4 && y > 0 ? (pixels[(y - 1) * stride + x - 4] ?? 0) : 0;
      let predicted: number;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          assert.fail(`unknown PNG filter ${String(filter)}`);
      }
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return { width, height, pixels };
}

describe('Teams app manifest', () => {
  it('declares its schema, and the schema ships with @microsoft/app-manifest', async () => {
    const template = (await readManifestTemplate()) as TeamsAppManifest;
    assert.equal(
      template.$schema,
      `https://developer.microsoft.com/json-schemas/teams/v${template.manifestVersion}/MicrosoftTeams.schema.json`,
    );
    await loadTeamsSchema(template.manifestVersion);
  });

  it('validates against the shipped schema once the ids are filled in, without the network', async () => {
    const manifest = await filled();
    const schema = (await loadTeamsSchema(manifest.manifestVersion)) as ValidationSchema;
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest, schema), []);
  });

  it('is refused by the same validation when it is wrong (the check is not vacuous)', async () => {
    const manifest = await filled();
    const broken = { ...manifest, accentColor: 'blue', bots: [{ ...manifest.bots?.[0], botId: 'nope' }] };
    const errors = await validateAgainstLocalSchema(broken, manifest.manifestVersion);
    assert.ok(
      errors.some((e) => e.startsWith('/accentColor')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('/bots/0/botId')),
      errors.join('\n'),
    );
  });

  it('has a Swedish localization that validates against the shipped localization schema', async () => {
    const manifest = await filled();
    const languages = manifest.localizationInfo?.additionalLanguages ?? [];
    assert.deepEqual(
      languages.map((l) => l.languageTag),
      ['sv'],
    );
    const sv = JSON.parse(await readFile(path.join(defaultManifestDir, 'sv.json'), 'utf8')) as Record<
      string,
      string
    >;
    assert.deepEqual(await validateAgainstLocalSchema(sv, manifest.manifestVersion, 'localization'), []);
    assert.equal(sv['name.short'], manifest.name.short);
    assert.match(sv['description.full'] ?? '', /samverkansöverenskommelsen/);
  });

  it('is a conversational bot for team, group chat and personal scope, also in shared and private channels', async () => {
    const manifest = await filled();
    const bot = manifest.bots?.[0];
    assert.ok(bot);
    assert.equal(manifest.bots?.length, 1);
    assert.equal(bot.botId, appId);
    assert.equal(manifest.id, appId);
    assert.deepEqual([...(bot.scopes ?? [])].sort(), ['groupChat', 'personal', 'team']);
    // The export's file consent card needs it.
    assert.equal(bot.supportsFiles, true);
    assert.equal(bot.isNotificationOnly, false);
    assert.deepEqual([...(manifest.supportedChannelTypes ?? [])].sort(), [
      'privateChannels',
      'sharedChannels',
    ]);
    assert.equal(manifest.name.short, 'Samverkansbot');
  });

  it('asks for the resource-specific consent that brings the start and end of meetings, and nothing more', async () => {
    const manifest = await filled();
    // Teams sends meetingStart/meetingEnd only to an app with webApplicationInfo and these RSC permissions:
    // channel meetings in the team it is installed in, and meetings scheduled in a chat it is in. RSC reads only
    // webApplicationInfo.id; its resource is the tab's sign-on resource (below).
    assert.equal(manifest.webApplicationInfo?.id, appId);
    assert.deepEqual(manifest.authorization, {
      permissions: {
        resourceSpecific: [
          { name: 'ChannelMeeting.ReadBasic.Group', type: 'Application' },
          { name: 'OnlineMeeting.ReadBasic.Chat', type: 'Application' },
        ],
      },
    });
    const misspelt = {
      ...manifest,
      authorization: {
        permissions: { resourceSpecific: [{ name: 'ChannelMeeting.ReadBasic.Group', type: 'App' }] },
      },
    };
    const errors = await validateAgainstLocalSchema(misspelt, manifest.manifestVersion);
    assert.ok(
      errors.some((e) => e.startsWith('/authorization/permissions/resourceSpecific/0/type')),
      errors.join('\n'),
    );
  });

  it('has the command lists of the command catalog in English, one a scope, koppla/bind only in teams', async () => {
    const lists = commandLists(await filled());
    assert.deepEqual(
      lists.map((l) => ({ scopes: l.scopes, commands: l.commands })),
      teamsScopes.map((scope) => ({ scopes: [scope], commands: manifestCommands(scope, 'en') })),
      'manifest.json has the lists manifestCommands(scope, "en") in src/domain/commandCatalog.ts gives',
    );
    for (const list of lists) {
      const titles = list.commands.map((c) => c.title);
      for (const command of ['help', 'status'])
        assert.ok(titles.includes(command), `${command} in ${list.scopes.join()}`);
      assert.equal(titles.includes('bind'), list.scopes.includes('team'), `bind only in team scope`);
      assert.ok(
        titles.every((t) => !/[åäö]|hjälp|koppla|saknas/.test(t)),
        `only English titles in ${list.scopes.join()}: ${titles.join(', ')}`,
      );
    }
  });

  it('translates every command of every list into Swedish in sv.json, and nothing else there', async () => {
    const lists = commandLists(await filled());
    const sv = JSON.parse(await readFile(path.join(defaultManifestDir, 'sv.json'), 'utf8')) as Record<
      string,
      string
    >;
    const expected: Record<string, string> = {};
    lists.forEach((list, i) => {
      const scope = teamsScopes[i];
      assert.ok(scope);
      assert.deepEqual(list.scopes, [scope]);
      manifestCommands(scope, 'sv').forEach(({ title, description }, j) => {
        expected[`bots[0].commandLists[${i}].commands[${j}].title`] = title;
        expected[`bots[0].commandLists[${i}].commands[${j}].description`] = description;
      });
      assert.equal(
        manifestCommands(scope, 'sv').length,
        list.commands.length,
        `as many commands in ${scope}`,
      );
    });
    assert.deepEqual(
      Object.fromEntries(Object.entries(sv).filter(([key]) => key.startsWith('bots['))),
      expected,
    );
    assert.equal(sv['bots[0].commandLists[0].commands[0].title'], 'hjälp');
  });

  it("respects Teams' limits on commands", async () => {
    for (const list of commandLists(await filled())) {
      assert.ok(list.commands.length <= 10, `at most 10 commands in ${list.scopes.join()}`);
      assert.equal(new Set(list.commands.map((c) => c.title)).size, list.commands.length, 'unique titles');
      for (const command of list.commands) {
        assert.ok(command.title.length <= 32, `title ${command.title}`);
        assert.ok(command.description, `${command.title} has a description`);
        assert.ok(command.description.length <= 128, `description of ${command.title}`);
      }
    }
  });

  it('has a 192x192 colour icon and a 32x32 white-on-transparent outline icon', async () => {
    const manifest = await filled();
    const color = readPng(await readFile(path.join(defaultManifestDir, manifest.icons.color)));
    assert.deepEqual([color.width, color.height], [192, 192]);
    for (let i = 3; i < color.pixels.length; i += 4)
      assert.equal(color.pixels[i], 255, 'colour icon is opaque');

    const outline = readPng(await readFile(path.join(defaultManifestDir, manifest.icons.outline)));
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    let drawn = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const [r, g, b, alpha] = outline.pixels.subarray(i, i + 4);
      if (alpha === 0) continue;
      drawn++;
      assert.deepEqual([r, g, b], [255, 255, 255], `outline pixel ${i / 4} is white or transparent`);
    }
    assert.ok(drawn > 50 && drawn < 32 * 32 - 50, 'outline icon has a shape on a transparent background');
  });
});

describe('the dashboard tab in the manifest', () => {
  async function swedish(): Promise<Record<string, string>> {
    return JSON.parse(await readFile(path.join(defaultManifestDir, 'sv.json'), 'utf8')) as Record<
      string,
      string
    >;
  }

  it('is a configurable tab for team channels (shared and private ones too) and group chats, configured on BOT_DOMAIN', async () => {
    const manifest = await filled();
    assert.equal(manifest.configurableTabs?.length, 1);
    const tab = manifest.configurableTabs?.[0];
    assert.ok(tab);
    assert.equal(tab.configurationUrl, `https://${botDomain}/tab/config?locale={locale}&theme={theme}`);
    assert.equal(tab.canUpdateConfiguration, true);
    assert.deepEqual([...tab.scopes].sort(), ['groupChat', 'team']);
    assert.ok(
      tab.context?.includes('channelTab') && tab.context.includes('privateChatTab'),
      'channels and chats',
    );
    // Teams offers an app's tabs in shared and private channels only when the app says it supports them.
    assert.deepEqual([...(manifest.supportedChannelTypes ?? [])].sort(), [
      'privateChannels',
      'sharedChannels',
    ]);
  });

  it('is a personal tab "Follow-up" on BOT_DOMAIN, and the personal chat with the bot and its about page stay', async () => {
    const manifest = await filled();
    assert.deepEqual(manifest.staticTabs, [
      {
        entityId: 'dashboard',
        name: 'Follow-up',
        contentUrl: `https://${botDomain}/tab/?locale={locale}&theme={theme}`,
        scopes: ['personal'],
      },
      // With a static tab of its own, the app shows the bot's chat only if it lists it.
      { entityId: 'conversations', scopes: ['personal'] },
      { entityId: 'about', scopes: ['personal'] },
    ]);
    assert.ok(manifest.bots?.[0]?.scopes.includes('personal'));
  });

  it('is called "Uppföljning" in Swedish, a key the localization schema knows', async () => {
    const manifest = await filled();
    const sv = await swedish();
    assert.equal(sv['staticTabs[0].name'], 'Uppföljning');
    assert.equal(manifest.staticTabs?.[0]?.entityId, 'dashboard', 'staticTabs[0] is the dashboard');
    assert.deepEqual(await validateAgainstLocalSchema(sv, manifest.manifestVersion, 'localization'), []);
    const misnamed = { ...sv, 'staticTabs[0].title': 'Uppföljning' };
    assert.notDeepEqual(
      await validateAgainstLocalSchema(misnamed, manifest.manifestVersion, 'localization'),
      [],
    );
  });

  it('signs in for api://<BOT_DOMAIN>/<app id>, the audience the server checks, with the app id RSC needs', async () => {
    const manifest = await filled();
    assert.deepEqual(manifest.webApplicationInfo, { id: appId, resource: `api://${botDomain}/${appId}` });
  });

  it('loads pages only from BOT_DOMAIN, over https, and lists it once in validDomains', async () => {
    const manifest = await filled();
    assert.deepEqual(manifest.validDomains, [botDomain]);
    const urls = [
      ...(manifest.configurableTabs ?? []).map((t) => t.configurationUrl),
      ...(manifest.staticTabs ?? []).flatMap((t) => [t.contentUrl, t.websiteUrl]),
    ].filter((u): u is string => u !== undefined);
    assert.equal(urls.length, 2);
    for (const url of urls) {
      assert.equal(new URL(url).protocol, 'https:', url);
      assert.equal(new URL(url).host, botDomain, url);
    }
  });

  it('is told of in both descriptions', async () => {
    const manifest = await filled();
    const sv = await swedish();
    assert.match(manifest.description.full, /dashboard tab \(“Follow-up”\)/);
    assert.match(sv['description.full'] ?? '', /Fliken ”Uppföljning”/);
    assert.ok(manifest.description.full.length <= 4000 && (sv['description.full'] ?? '').length <= 4000);
  });
});

describe('fillManifest', () => {
  it('fills the bot id (and the Teams app id, which defaults to it) and leaves the template alone', async () => {
    const template = await readManifestTemplate();
    const before = JSON.stringify(template);
    const manifest = fillManifest(template, { appId, teamsAppId: otherId, botDomain: 'bot.example.se' });
    assert.equal(manifest.id, otherId);
    assert.equal(manifest.bots?.[0]?.botId, appId);
    assert.deepEqual(manifest.validDomains, ['bot.example.se']);
    assert.equal(JSON.stringify(template), before);
    assert.doesNotMatch(JSON.stringify(manifest), /\$\{\{/);
  });

  it('refuses a template with a placeholder it does not know', () => {
    assert.throws(
      () => fillManifest({ id: '${{SOMETHING_ELSE}}' }, { appId, botDomain }),
      (e: unknown) => e instanceof AppPackageError && /\$\{\{SOMETHING_ELSE\}\}/.test(e.message),
    );
  });

  it('refuses an app id that is not a GUID, and a BOT_DOMAIN that is a URL', async () => {
    const template = await readManifestTemplate();
    assert.throws(
      () => fillManifest(template, { appId: 'not-a-guid', botDomain }),
      /MicrosoftAppId must be a GUID/,
    );
    assert.throws(
      () => fillManifest(template, { appId, botDomain: 'https://bot.example.se/api' }),
      /BOT_DOMAIN must be a host name/,
    );
  });
});

describe('optionsFromEnv', () => {
  it('requires MicrosoftAppId', () => {
    for (const env of [{}, { MicrosoftAppId: '' }, { MicrosoftAppId: '   ' }]) {
      assert.throws(() => optionsFromEnv(env), {
        name: 'AppPackageError',
        message: 'MicrosoftAppId must be set to build the Teams app package',
      });
    }
  });

  it('requires BOT_DOMAIN, with one line that says what it is', () => {
    for (const env of [{}, { BOT_DOMAIN: '' }, { BOT_DOMAIN: '  ' }]) {
      assert.throws(() => optionsFromEnv({ MicrosoftAppId: appId, ...env }), {
        name: 'AppPackageError',
        message:
          "BOT_DOMAIN must be set to build the Teams app package: the bot's host name, e.g. samverkansbot.azurewebsites.net",
      });
    }
  });

  it('refuses a BOT_DOMAIN that is a URL, has a path or is not a host name', () => {
    for (const domain of [
      'https://bot.example.se',
      'bot.example.se/tab',
      'bot example.se',
      'bot.example.se"',
    ]) {
      assert.throws(() => optionsFromEnv({ MicrosoftAppId: appId, BOT_DOMAIN: domain }), {
        name: 'AppPackageError',
        message: 'BOT_DOMAIN must be a host name such as samverkansbot.example.se (no scheme, no path)',
      });
    }
  });

  it('refuses a MicrosoftAppId that is not a GUID', () => {
    assert.throws(
      () => optionsFromEnv({ MicrosoftAppId: '6f1c2b7a-3d4e-4f50-8a9b', BOT_DOMAIN: botDomain }),
      /MicrosoftAppId must be a GUID/,
    );
  });

  it('reads MicrosoftAppId, TEAMS_APP_ID and BOT_DOMAIN', () => {
    assert.deepEqual(optionsFromEnv({ MicrosoftAppId: ` ${appId} `, BOT_DOMAIN: ` ${botDomain} ` }), {
      appId,
      teamsAppId: undefined,
      botDomain,
    });
    assert.deepEqual(
      optionsFromEnv({ MicrosoftAppId: appId, TEAMS_APP_ID: otherId, BOT_DOMAIN: 'bot.example.se' }),
      {
        appId,
        teamsAppId: otherId,
        botDomain: 'bot.example.se',
      },
    );
  });
});

describe('buildAppPackage', () => {
  it('zips manifest.json, the icons and the localization at the root, with the bot id filled in', async () => {
    const zip = await JSZip.loadAsync(await buildAppPackage({ appId, botDomain }));
    const names = Object.values(zip.files)
      .filter((f) => !f.dir)
      .map((f) => f.name)
      .sort();
    assert.deepEqual(names, ['color.png', 'manifest.json', 'outline.png', 'sv.json']);

    const manifestFile = zip.file('manifest.json');
    assert.ok(manifestFile);
    const manifest = JSON.parse(await manifestFile.async('string')) as TeamsAppManifest;
    assert.equal(manifest.id, appId);
    assert.equal(manifest.bots?.[0]?.botId, appId);
    assert.equal(manifest.webApplicationInfo?.id, appId);
    assert.doesNotMatch(JSON.stringify(manifest), /\$\{\{/);

    for (const icon of ['color.png', 'outline.png']) {
      const packed = await zip.file(icon)?.async('nodebuffer');
      assert.ok(packed);
      assert.ok(
        packed.equals(await readFile(path.join(defaultManifestDir, icon))),
        `${icon} is the original`,
      );
    }
  });

  it('packages the command lists of the catalog, in English and, in sv.json, in Swedish', async () => {
    const zip = await JSZip.loadAsync(await buildAppPackage({ appId, botDomain }));
    const manifest = JSON.parse(
      (await zip.file('manifest.json')?.async('string')) ?? '{}',
    ) as TeamsAppManifest;
    const sv = JSON.parse((await zip.file('sv.json')?.async('string')) ?? '{}') as Record<string, string>;
    teamsScopes.forEach((scope, i) => {
      const list = manifest.bots?.[0]?.commandLists?.[i];
      assert.deepEqual(list?.scopes, [scope]);
      assert.deepEqual(list.commands, manifestCommands(scope, 'en'));
      manifestCommands(scope, 'sv').forEach(({ title, description }, j) => {
        assert.equal(sv[`bots[0].commandLists[${i}].commands[${j}].title`], title);
        assert.equal(sv[`bots[0].commandLists[${i}].commands[${j}].description`], description);
      });
    });
  });

  it('gives the same bytes for the same input', async () => {
    const [a, b] = await Promise.all([
      buildAppPackage({ appId, botDomain }),
      buildAppPackage({ appId, botDomain }),
    ]);
    assert.ok(a.equals(b));
  });

  it('packages the tabs and the sign-on resource on the given BOT_DOMAIN, and the whole package validates', async () => {
    const domain = 'samverkan.azurewebsites.net';
    const zip = await JSZip.loadAsync(await buildAppPackage({ appId, botDomain: domain }));
    const manifest = JSON.parse(
      (await zip.file('manifest.json')?.async('string')) ?? '{}',
    ) as TeamsAppManifest;
    assert.deepEqual(await validateAgainstLocalSchema(manifest, manifest.manifestVersion), []);
    const sv = JSON.parse((await zip.file('sv.json')?.async('string')) ?? '{}') as unknown;
    assert.deepEqual(await validateAgainstLocalSchema(sv, manifest.manifestVersion, 'localization'), []);
    assert.equal(
      manifest.configurableTabs?.[0]?.configurationUrl.startsWith(`https://${domain}/tab/config?`),
      true,
    );
    assert.equal(manifest.staticTabs?.[0]?.contentUrl?.startsWith(`https://${domain}/tab/?`), true);
    assert.equal(manifest.webApplicationInfo?.resource, `api://${domain}/${appId}`);
    assert.deepEqual(manifest.validDomains, [domain]);
    assert.doesNotMatch(JSON.stringify(manifest), /\$\{\{|samverkansbot\.example\.se/);
  });

  it('refuses a missing or invalid BOT_DOMAIN with its message', async () => {
    const missing = { appId } as unknown as Parameters<typeof buildAppPackage>[0];
    await assert.rejects(buildAppPackage(missing), {
      name: 'AppPackageError',
      message:
        "BOT_DOMAIN must be set to build the Teams app package: the bot's host name, e.g. samverkansbot.azurewebsites.net",
    });
    await assert.rejects(
      buildAppPackage({ appId, botDomain: 'https://bot.example.se/' }),
      /BOT_DOMAIN must be a host name/,
    );
  });

  it('refuses a missing or invalid app id', async () => {
    await assert.rejects(buildAppPackage({ appId: '', botDomain }), /MicrosoftAppId must be a GUID/);
    await assert.rejects(
      buildAppPackage({ appId: '{6f1c2b7a-3d4e-4f50-8a9b-0c1d2e3f4a5b}', botDomain }),
      AppPackageError,
    );
  });
});

describe('npm run package', () => {
  it('exits 2 with one line when MicrosoftAppId is missing', () => {
    const env = { ...process.env };
    delete env.MicrosoftAppId;
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'src/tools/packageApp.ts')],
      {
        cwd: repoRoot,
        env,
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr, 'MicrosoftAppId must be set to build the Teams app package\n');
    assert.equal(result.stdout, '');
  });

  it('exits 2 with one line when BOT_DOMAIN is missing', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, MicrosoftAppId: appId };
    delete env.BOT_DOMAIN;
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'src/tools/packageApp.ts')],
      { cwd: repoRoot, env, encoding: 'utf8' },
    );
    assert.equal(result.status, 2, result.stderr);
    assert.equal(
      result.stderr,
      "BOT_DOMAIN must be set to build the Teams app package: the bot's host name, e.g. samverkansbot.azurewebsites.net\n",
    );
    assert.equal(result.stdout, '');
  });
});
