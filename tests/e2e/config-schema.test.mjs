// End-to-end: resources/config-schema.json against what `gatehouse config export` really writes.
// A gateway on loopback (admin API, a token from `gatehouse admin-token create`) is filled through
// the admin API with every kind of entity the export covers — tenants, consumers, providers of
// every kind, models with their whole traffic policy, access modes and grants, keys, limits,
// budgets, prices with and without a provider family, prompts with versions and labels — then
// exported twice (`--remote` without keys while it runs, `--data` with keys once it stopped).
// Every file of the trees is parsed with the `yaml` package, its $def picked by its directory (from
// the schema's own `x-gatehouse-files`, checked against the layout of docs/config-as-code.md) and
// validated with Ajv (draft 2020-12): each must pass, against its def and against the whole schema
// (exactly one kind fits). Files broken on purpose (an unknown member, a wrong type, ...) must fail,
// and `gatehouse config validate` refuses the same files. Run with:
//   GATEHOUSE_BIN=/abs/path/to/gatehouse node --test config-schema.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import Ajv2020 from 'ajv/dist/2020.js';
import YAML from 'yaml';

import {
  adminRequests,
  closedLoopbackPort,
  createAdminToken,
  gatehouseBin,
  gatewayConfigYaml,
  makeWorkDir,
  startGatewayWithAdmin,
  stopAll,
} from './harness.mjs';

const execFileAsync = promisify(execFile);

const SCHEMA_PATH = fileURLToPath(new URL('../../resources/config-schema.json', import.meta.url));
const TEST_TIMEOUT_MS = 60_000;

// The layout (docs/config-as-code.md, core/configcode/ConfigTree.h): path pattern → $def. The test
// picks defs by the schema's own annotations and checks here that they say the same.
const LAYOUT = {
  'gatehouse-export.yaml': 'manifest',
  'tenants/<name>.yaml': 'tenant',
  'consumers/<tenant>/<name>.yaml': 'consumer',
  'providers/<name>.yaml': 'provider',
  'models/<model>.yaml': 'model',
  'access/<model>.yaml': 'model_access',
  'keys/<prefix>.yaml': 'key',
  'limits/<scope>/<id>.yaml': 'limit',
  'budgets/<scope>/<id>/<period>.yaml': 'budget',
  'prices/<model>.yaml': 'price',
  'prices/<family>/<model>.yaml': 'price',
  'prompts/<name>.yaml': 'prompt',
};
const KINDS = [...new Set(Object.values(LAYOUT))];
const TREE_DIRECTORIES = new Set(
  Object.keys(LAYOUT)
    .filter((pattern) => pattern.includes('/'))
    .map((pattern) => pattern.split('/')[0]),
);

async function loadSchema() {
  return JSON.parse(await readFile(SCHEMA_PATH, 'utf8'));
}

// Ajv for draft 2020-12, strict (unknown keywords and type slips are errors), knowing the
// schema's one annotation keyword.
function makeValidators(schema) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: true });
  ajv.addVocabulary(['x-gatehouse-files']);
  ajv.addSchema(schema, 'config');
  const validators = { whole: ajv.getSchema('config') };
  for (const kind of KINDS) validators[kind] = ajv.getSchema(`config#/$defs/${kind}`);
  return validators;
}

// "consumers/<tenant>/<name>.yaml" → a RegExp matching such a (relative, '/'-separated) path.
function patternRegExp(pattern) {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<[a-z]+>/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

// path pattern → def name, from the schema's x-gatehouse-files annotations.
function schemaLayout(schema) {
  const layout = {};
  for (const [name, def] of Object.entries(schema.$defs)) {
    for (const pattern of def['x-gatehouse-files'] ?? []) layout[pattern] = name;
  }
  return layout;
}

// The $def for a file of the tree by its path, or null for a top-level file outside the tree
// (.gitlab-ci.yml); a file in a tree directory that fits no pattern fails the test.
function defForPath(layout, path) {
  const matches = Object.entries(layout)
    .filter(([pattern]) => patternRegExp(pattern).test(path))
    .map(([, def]) => def);
  if (matches.length === 0) {
    assert.ok(!TREE_DIRECTORIES.has(path.split('/')[0]), `${path}: in a directory of the tree, but no $def's x-gatehouse-files fits it`);
    return null;
  }
  assert.equal(new Set(matches).size, 1, `${path}: fits more than one $def (${matches.join(', ')})`);
  return matches[0];
}

async function filesUnder(root) {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'))
    .sort();
}

function parseYaml(path, text) {
  const document = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  assert.deepEqual(document.errors.map(String), [], `${path}: not valid YAML`);
  assert.deepEqual(document.warnings.map(String), [], `${path}: YAML warnings`);
  return document.toJS();
}

function describeErrors(validate) {
  return JSON.stringify(validate.errors, null, 2);
}

// Every file of an exported tree: parsed, and valid against its directory's def and the whole schema.
async function checkTree(validators, layout, root) {
  const seen = {};
  for (const path of await filesUnder(root)) {
    const def = defForPath(layout, path);
    if (!def) continue;
    const text = await readFile(join(root, path), 'utf8');
    const value = parseYaml(path, text);
    const validate = validators[def];
    assert.ok(validate(value), `${path} is not a valid ${def}:\n${text}\n${describeErrors(validate)}`);
    assert.ok(validators.whole(value), `${path}: the whole schema does not accept it (exactly one kind must fit):\n${text}\n${describeErrors(validators.whole)}`);
    (seen[def] ??= []).push({ path, value });
  }
  return seen;
}

async function gatehouse(work, args, env = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(gatehouseBin(), args, {
      env: { ...work.env, ...env },
      cwd: work.workDir,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('config export: every file fits resources/config-schema.json', () => {
  let work;
  let gateway;
  let adminToken;
  let admin;
  let schema;
  let validators;
  let layout;
  let configPath;
  const trees = {};

  before(async () => {
    gatehouseBin(); // fail fast with a clear message if GATEHOUSE_BIN is unset or wrong
    schema = await loadSchema();
    validators = makeValidators(schema);
    layout = schemaLayout(schema);

    work = await makeWorkDir('gatehouse-e2e-config-schema-');
    adminToken = await createAdminToken(work, { name: 'e2e', role: 'admin' });
    // The config file's own entries are not exported; stored models may deploy on its provider.
    const config = gatewayConfigYaml({
      providers: [{ name: 'file-mock', kind: 'mock' }],
      models: [{ name: 'file-chat', deployments: [{ provider: 'file-mock', model: 'mock-1' }] }],
    });
    gateway = await startGatewayWithAdmin({ work, config });
    configPath = gateway.configPath;
    ({ admin } = adminRequests(gateway, adminToken));
  });

  after(async () => {
    await stopAll([gateway]);
    await work?.cleanup();
  });

  // A 2xx answer's JSON, or a failure naming the request and the answer.
  async function ok(method, path, body) {
    const answer = await admin(method, path, body);
    assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${path} ${JSON.stringify(body)}: ${answer.status} ${answer.text}\n${gateway.logs()}`);
    return answer.json;
  }

  test('the schema names a $def for every kind, and its paths are the export\'s layout', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(schemaLayout(schema), LAYOUT);
    const branches = schema.oneOf.map((branch) => branch.$ref.replace('#/$defs/', ''));
    assert.deepEqual(branches.sort(), [...KINDS].sort());
    for (const kind of KINDS) {
      const def = schema.$defs[kind];
      assert.ok(def.description, `$defs.${kind} has no description`);
      for (const pattern of def['x-gatehouse-files'])
        assert.ok(schema.description.includes(`#/$defs/${kind}`) && schema.description.includes(pattern.split('/')[0]),
          `the schema's description does not say where ${kind} files are`);
    }
    // Every member of every object has a description (they show up in editors).
    const missing = [];
    const walk = (node, where) => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${where}/${i}`));
      if (!node || typeof node !== 'object') return;
      if (node.properties && typeof node.properties === 'object' && !where.includes('/if')) {
        for (const [name, member] of Object.entries(node.properties)) {
          if (typeof member === 'object' && !member.description) missing.push(`${where}/properties/${name}`);
        }
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
    };
    walk(schema.$defs, '#/$defs');
    assert.deepEqual(missing, [], 'members without a description');
  });

  test('a gateway filled through the admin API exports files that all fit', { timeout: TEST_TIMEOUT_MS }, async () => {
    const upstream = `http://127.0.0.1:${await closedLoopbackPort()}`;
    const caFile = join(work.workDir, 'extra-ca.pem');
    await writeFile(caFile, '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n');

    // Tenants and consumers.
    const acme = await ok('POST', '/admin/v1/tenants', { name: 'acme' });
    const beta = await ok('POST', '/admin/v1/tenants', { name: 'beta' });
    const searchApp = await ok('POST', '/admin/v1/consumers', { tenant_id: acme.id, name: 'search-app', description: 'Search, "quoted"\nsecond line' });
    await ok('POST', '/admin/v1/consumers', { tenant_id: acme.id, name: 'reports' });
    const bot = await ok('POST', '/admin/v1/consumers', { tenant_id: beta.id, name: 'bot.v2', description: '' });

    // A provider of every kind, with the settings each takes.
    await ok('POST', '/admin/v1/providers', { name: 'mock-slow', kind: 'mock', latency_ms: 5, stream_chunks: 4, chunk_interval_ms: 0 });
    await ok('POST', '/admin/v1/providers', {
      name: 'local-vllm',
      kind: 'openai-compatible',
      base_url: `${upstream}/v1`,
      ca_file: caFile,
      stream_usage: false,
      connect_timeout_ms: 1000,
      read_timeout_ms: 5000,
      max_idle_connections: 2,
      credential: { source: 'env', name: 'LOCAL_VLLM_API_KEY' },
    });
    await ok('POST', '/admin/v1/providers', {
      name: 'azure',
      kind: 'azure-openai',
      base_url: upstream,
      api_version: '2024-10-21',
      stream_usage: true,
      credential: { source: 'stored', secret: 'azure-secret-never-exported' },
    });
    await ok('POST', '/admin/v1/providers', {
      name: 'claude',
      kind: 'anthropic',
      base_url: `${upstream}/v1`,
      api_version: '2023-06-01',
      default_max_tokens: 2048,
      credential: { source: 'env', name: 'ANTHROPIC_API_KEY' },
    });
    await ok('POST', '/admin/v1/providers', { name: 'gem', kind: 'gemini', base_url: `${upstream}/v1beta` });
    await ok('POST', '/admin/v1/providers', { name: 'oai', kind: 'openai', base_url: `${upstream}/v1`, credential: { source: 'none' } });

    // Models: one with a '/' in its name (a percent-encoded file), one with the whole traffic policy.
    await ok('POST', '/admin/v1/models', { model: 'meta/llama-3', deployments: [{ provider: 'claude', model: 'claude-x' }] });
    await ok('POST', '/admin/v1/models', {
      model: 'chat',
      deployments: [
        {
          provider: 'mock-slow',
          model: 'mock-1',
          weight: 3,
          price: { input_per_million: 1.5, output_per_million: 2, cached_input_per_million: 0.5, cache_write_per_million: 1.75 },
          limits: { requests_per_minute: 100 },
        },
        { provider: 'local-vllm', model: 'llama', priority: 1 },
        { provider: 'file-mock', model: 'mock-2', priority: -2 },
      ],
      strategy: 'fallback',
      rules: [
        {
          name: 'acme-search',
          match: { tenant: 'acme', consumer: ['acme/search-app'], key: ['gk-AbCdEf1'], headers: { 'x-region': ['eu', 'eu-west'] }, metadata: { team: 'search' } },
          deployments: ['mock-slow/mock-1'],
          fall_back_to_others: true,
        },
        { name: 'always', deployments: 'local-vllm/llama' },
      ],
      canary: { deployment: 'local-vllm/llama', percent: 12.5 },
      fallbacks: ['meta/llama-3'],
      context_window_fallbacks: 'meta/llama-3',
      cache_ttl_s: 60,
      limits: { tokens_per_minute: 100000, concurrent: 5 },
      capture_payloads: true,
    });

    // Access: modes, auto-approve, grants (also on a model of the config file).
    await ok('PUT', '/admin/v1/models/chat/access', { mode: 'approval', auto_approve: false });
    await ok('POST', '/admin/v1/access-grants', { consumer_id: searchApp.id, model: 'chat' });
    await ok('PUT', `/admin/v1/models/${encodeURIComponent('meta/llama-3')}/access`, { mode: 'private' });
    await ok('POST', '/admin/v1/access-grants', { consumer_id: bot.id, model: 'meta/llama-3' });
    await ok('POST', '/admin/v1/access-grants', { consumer_id: searchApp.id, model: 'meta/llama-3' });
    await ok('PUT', '/admin/v1/models/file-chat/access', { mode: 'approval', auto_approve: true });

    // Keys: one with every setting, one plain.
    const key = await ok('POST', '/admin/v1/keys', {
      consumer_id: searchApp.id,
      name: 'search key',
      allowed_models: ['meta/llama-3', 'chat'],
      tags: { team: 'search', env: 'prod' },
      expires_at_ms: Date.now() + 30 * 86_400_000,
    });
    await ok('POST', '/admin/v1/keys', { consumer_id: bot.id, name: 'bot' });

    // Limits and budgets of every scope.
    await ok('PUT', '/admin/v1/limits', { scope: 'tenant', id: 'acme', requests_per_minute: 600, tokens_per_minute: 200000, concurrent: 50 });
    await ok('PUT', '/admin/v1/limits', { scope: 'consumer', id: 'acme/search-app', requests_per_minute: 0 });
    await ok('PUT', '/admin/v1/limits', { scope: 'key', id: key.prefix, concurrent: 2 });
    await ok('PUT', '/admin/v1/limits', { scope: 'model', id: 'meta/llama-3', tokens_per_minute: 1000000 });
    await ok('PUT', '/admin/v1/budgets', { scope: 'tenant', id: 'acme', period: 'monthly', limit_usd: 100, soft_limit_usd: 80 });
    await ok('PUT', '/admin/v1/budgets', { scope: 'consumer', id: 'acme/search-app', period: 'daily', limit_usd: 5.25, soft_limit_fraction: 0.8 });
    await ok('PUT', '/admin/v1/budgets', { scope: 'key', id: key.prefix, period: 'total', limit_usd: 1 });
    await ok('PUT', '/admin/v1/budgets', { scope: 'tenant', id: 'beta', limit_usd: 20 }); // period: the default

    // Prices: with a provider family (two dates), and for any provider.
    await ok('PUT', '/admin/v1/prices', {
      provider: 'openai',
      model: 'gpt-4o',
      input_per_million: 5,
      output_per_million: 15,
      effective_date: '2024-05-13',
      source: 'https://openai.com/api/pricing/',
    });
    await ok('PUT', '/admin/v1/prices', {
      provider: 'openai',
      model: 'gpt-4o',
      input_per_million: 2.5,
      output_per_million: 10,
      cached_input_per_million: 1.25,
      effective_date: '2024-10-01',
      currency: 'USD',
      note: 'price cut',
    });
    await ok('PUT', '/admin/v1/prices', {
      provider: 'anthropic',
      model: 'claude-x',
      input_per_million: 3,
      output_per_million: 15,
      cache_write_per_million: 3.75,
      effective_date: '2025-01-01',
    });
    await ok('PUT', '/admin/v1/prices', { model: 'llama', input_per_million: 0, output_per_million: 0.1, effective_date: '2025-02-01' });

    // Prompts: versions with variables, parameters and an A/B label; and one without versions.
    await ok('POST', '/admin/v1/prompts', { name: 'greet', description: 'Greets the user' });
    await ok('POST', '/admin/v1/prompts/greet/versions', {
      model: 'chat',
      messages: [
        { role: 'system', content: 'You greet {{name}} in {{language}}.\nBe brief.' },
        { role: 'user', content: 'Hello!' },
      ],
      variables: [
        { name: 'name', type: 'string', required: false, default: 'friend', description: 'Who is greeted' },
        { name: 'language', type: 'string' },
      ],
      parameters: { temperature: 0.2, max_tokens: 100, stop: ['\n\n'], response_format: { type: 'text' } },
      overridable: ['temperature', 'max_tokens'],
      note: 'first',
    });
    await ok('POST', '/admin/v1/prompts/greet/versions', {
      model: 'meta/llama-3',
      messages: [{ role: 'user', content: 'Say hi to {{count}} people.' }],
      variables: [{ name: 'count', type: 'integer', default: 2 }],
    });
    await ok('PUT', '/admin/v1/prompts/greet/labels/production', { split: [{ version: 1, weight: 9 }, { version: 2, weight: 1 }] });
    await ok('PUT', '/admin/v1/prompts/greet/labels/staging', { split: [{ version: 2 }] });
    await ok('POST', '/admin/v1/prompts', { name: 'draft.v0' });

    // Exported through the admin API while the gateway runs (the token only in the environment)...
    const remoteDir = join(work.workDir, 'export-remote');
    const remote = await gatehouse(work, ['config', 'export', remoteDir, '--remote', gateway.adminUrl, '--without-keys'], {
      GATEHOUSE_ADMIN_TOKEN: adminToken,
    });
    assert.equal(remote.code, 0, `config export --remote failed:\n${remote.stdout}\n${remote.stderr}`);
    // ... and from the data directory once it stopped.
    await gateway.stop();
    const localDir = join(work.workDir, 'export-local');
    const local = await gatehouse(work, ['config', 'export', localDir, '--data', work.dataDir]);
    assert.equal(local.code, 0, `config export --data failed:\n${local.stdout}\n${local.stderr}`);

    trees.local = { root: localDir, seen: await checkTree(validators, layout, localDir) };
    trees.remote = { root: remoteDir, seen: await checkTree(validators, layout, remoteDir) };

    const { seen } = trees.local;
    assert.deepEqual(Object.keys(seen).sort(), [...KINDS].sort(), 'the export has a file of every kind');
    assert.deepEqual(seen.manifest.map((f) => f.value), [{ format: 'gatehouse-config/1', keys: 'included' }]);
    assert.deepEqual(trees.remote.seen.manifest.map((f) => f.value), [{ format: 'gatehouse-config/1', keys: 'omitted' }]);
    assert.equal(trees.remote.seen.key, undefined, 'an export --without-keys has no keys/');
    const paths = (def) => seen[def].map((f) => f.path);
    // The store's own `default` tenant (the config file's keys belong to it) is exported too.
    assert.deepEqual(paths('tenant'), ['tenants/acme.yaml', 'tenants/beta.yaml', 'tenants/default.yaml']);
    assert.deepEqual(paths('consumer'), ['consumers/acme/reports.yaml', 'consumers/acme/search-app.yaml', 'consumers/beta/bot.v2.yaml']);
    assert.deepEqual(paths('provider'), ['azure', 'claude', 'gem', 'local-vllm', 'mock-slow', 'oai'].map((p) => `providers/${p}.yaml`));
    assert.deepEqual(paths('model'), ['models/chat.yaml', 'models/meta%2Fllama-3.yaml']);
    assert.deepEqual(paths('model_access'), ['access/chat.yaml', 'access/file-chat.yaml', 'access/meta%2Fllama-3.yaml']);
    // The two made here; not the developer key `gatehouse serve` made for itself at its first start
    // (source local: each gateway makes its own).
    assert.deepEqual(seen.key.map((f) => `${f.value.tenant}/${f.value.consumer ?? '-'}/${f.value.name}`).sort(), [
      'acme/search-app/search key',
      'beta/bot.v2/bot',
    ]);
    assert.deepEqual(paths('limit').sort(), [
      'limits/consumer/acme%2Fsearch-app.yaml',
      `limits/key/${encodeURIComponent(key.prefix)}.yaml`,
      'limits/model/meta%2Fllama-3.yaml',
      'limits/tenant/acme.yaml',
    ].sort());
    assert.ok(paths('budget').includes('budgets/tenant/beta/monthly.yaml'));
    assert.deepEqual(paths('price'), ['prices/anthropic/claude-x.yaml', 'prices/llama.yaml', 'prices/openai/gpt-4o.yaml']);
    assert.deepEqual(paths('prompt'), ['prompts/draft.v0.yaml', 'prompts/greet.yaml']);
    // What the schema cannot see by itself: never a secret, and the settings as given.
    const azure = seen.provider.find((f) => f.path === 'providers/azure.yaml').value;
    assert.deepEqual(azure.credential, { source: 'stored' });
    for (const { path } of Object.values(seen).flat()) {
      const text = await readFile(join(localDir, path), 'utf8');
      assert.ok(!text.includes('azure-secret-never-exported'), `${path} holds a secret`);
    }
  });

  // Files broken on purpose: the schema refuses them, and so does the gateway.
  const BROKEN = [
    {
      what: 'an unknown member in a consumer',
      path: 'consumers/acme/reports.yaml',
      def: 'consumer',
      change: (value) => ({ ...value, colour: 'blue' }),
      error: (e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'colour',
      gateway: /colour/,
    },
    {
      what: 'a number written as text in a limit',
      path: 'limits/tenant/acme.yaml',
      def: 'limit',
      change: (value) => ({ ...value, requests_per_minute: '600' }),
      error: (e) => e.keyword === 'type' && e.instancePath === '/requests_per_minute',
      gateway: /requests_per_minute/,
    },
    {
      what: 'a limit without any dimension',
      path: 'limits/tenant/acme.yaml',
      def: 'limit',
      change: ({ scope, id }) => ({ scope, id }),
      error: (e) => e.keyword === 'required',
      gateway: /requests_per_minute/,
    },
    {
      what: 'a setting of another kind on a mock provider',
      path: 'providers/mock-slow.yaml',
      def: 'provider',
      change: (value) => ({ ...value, base_url: 'http://127.0.0.1:1' }),
      error: (e) => e.keyword === 'propertyNames' || e.keyword === 'enum',
      gateway: /base_url/,
    },
    {
      what: 'a key whose hash is not 64 lower-case hex digits',
      path: 'keys',
      def: 'key',
      change: (value) => ({ ...value, sha256: value.sha256.toUpperCase() }),
      error: (e) => e.keyword === 'pattern' && e.instancePath === '/sha256',
    },
    {
      what: 'a budget with both soft limits',
      path: 'budgets/tenant/acme/monthly.yaml',
      def: 'budget',
      change: (value) => ({ ...value, soft_limit_fraction: 0.5 }),
      error: (e) => e.keyword === 'not',
    },
    {
      what: 'a prompt version with a parameter a prompt cannot set',
      path: 'prompts/greet.yaml',
      def: 'prompt',
      change: (value) => ({ ...value, versions: value.versions.map((v, i) => (i === 0 ? { ...v, parameters: { n: 2 } } : v)) }),
      error: (e) => e.keyword === 'propertyNames' || (e.keyword === 'enum' && e.instancePath.includes('parameters')),
    },
    {
      what: 'a price entry without its date',
      path: 'prices/llama.yaml',
      def: 'price',
      change: (value) => ({ ...value, entries: value.entries.map(({ effective_date: _, ...rest }) => rest) }),
      error: (e) => e.keyword === 'required' && e.params.missingProperty === 'effective_date',
    },
    {
      what: 'a manifest of another format',
      path: 'gatehouse-export.yaml',
      def: 'manifest',
      change: (value) => ({ ...value, format: 'gatehouse-config/2' }),
      error: (e) => e.keyword === 'const',
    },
  ];

  for (const broken of BROKEN) {
    test(`refused: ${broken.what}`, async () => {
      assert.ok(trees.local, 'the export test ran first');
      const files = trees.local.seen[broken.def];
      const file = files.find((f) => f.path === broken.path) ?? (broken.path === 'keys' ? files[0] : undefined);
      assert.ok(file, `the export has no ${broken.path}`);
      const value = broken.change(structuredClone(file.value));
      const validate = validators[broken.def];
      assert.equal(validate(value), false, `${broken.what}: the ${broken.def} def accepts it`);
      assert.ok(validate.errors.some(broken.error), `${broken.what}: not the expected error:\n${describeErrors(validate)}`);
      assert.equal(validators.whole(value), false, `${broken.what}: the whole schema accepts it`);

      if (!broken.gateway) return;
      // The gateway refuses the same file: a tree of the manifest, the tenants and consumers the
      // file may refer to, and the broken file, validated against an empty scratch store.
      const dir = join(work.workDir, `broken-${BROKEN.indexOf(broken)}`);
      const keep = ['gatehouse-export.yaml', 'tenants/acme.yaml', 'consumers/acme/reports.yaml', broken.path];
      for (const path of new Set(keep)) {
        const text = path === broken.path ? YAML.stringify(value) : await readFile(join(trees.local.root, path), 'utf8');
        await mkdir(join(dir, path, '..'), { recursive: true });
        await writeFile(join(dir, path), text);
      }
      const result = await gatehouse(work, ['config', 'validate', dir, '--config', configPath]);
      assert.equal(result.code, 1, `gatehouse config validate accepts ${broken.what}:\n${result.stdout}\n${result.stderr}`);
      const where = broken.path.replace(/[.]/g, '\\.');
      assert.match(result.stderr, new RegExp(`${where}(:\\d+:\\d+)?: .*${broken.gateway.source}`), 'the gateway names another problem');
    });
  }

  test('the same small trees unbroken pass both the schema and `gatehouse config validate`', async () => {
    assert.ok(trees.local, 'the export test ran first');
    const dir = join(work.workDir, 'unbroken');
    for (const path of ['gatehouse-export.yaml', 'tenants/acme.yaml', 'consumers/acme/reports.yaml', 'limits/tenant/acme.yaml', 'providers/mock-slow.yaml']) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), await readFile(join(trees.local.root, path), 'utf8'));
    }
    await checkTree(validators, layout, dir);
    const result = await gatehouse(work, ['config', 'validate', dir, '--config', configPath]);
    assert.equal(result.code, 0, `gatehouse config validate refuses the unbroken tree:\n${result.stdout}\n${result.stderr}`);
  });
});
