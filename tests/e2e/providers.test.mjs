// End-to-end tests: the official `openai` and `@anthropic-ai/sdk` SDKs -> `gatehouse serve` ->
// `gatehouse mock-upstream --flavor F` for every upstream flavor (openai, azure, anthropic,
// gemini).
//
// One gateway and one mock upstream per flavor serve the whole file (before/after hooks). Each
// mock requires its own API key, as the real provider does; for each flavor the gateway has a
// provider with the right key and one with a wrong key. Everything is on 127.0.0.1 with ports
// the OS picks. Run with:
//   GATEHOUSE_BIN=/abs/path/to/gatehouse node --test

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { performance } from 'node:perf_hooks';

import Anthropic from '@anthropic-ai/sdk';
import { VERSION as ANTHROPIC_SDK_VERSION } from '@anthropic-ai/sdk/version';
import OpenAI from 'openai';

import {
  FLAVORS,
  PROVIDER_KIND,
  SINGLE_ATTEMPT_POLICY,
  closedLoopbackPort,
  gatehouseBin,
  gatewayConfigYaml,
  makeWorkDir,
  randomBase62,
  randomGatewayKey,
  startGateway,
  startMockUpstream,
  stopAll,
} from './harness.mjs';

// The SDKs read these from the environment (extra headers, a bearer token, logging); the tests
// pass everything explicitly and want nothing from the shell they run in.
for (const name of ['ANTHROPIC_CUSTOM_HEADERS', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_LOG', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID', 'OPENAI_LOG']) {
  delete process.env[name];
}

const REQUEST_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 15_000;
const STREAM_CHUNKS = 5;
// The mocks space their stream events this far apart, so a stream that is passed on as it
// arrives shows its content spread out, and one buffered whole arrives in one burst.
const CHUNK_INTERVAL_MS = 20;
const LOG_TAIL_CHARS = 1500; // of each process's output, added to a failure
const MOCK_EMBEDDING_DIMENSIONS = 8; // the mock's default (core/mock/MockCompletion.h)

// What each flavor's upstream is asked for. Azure routes by deployment, so "model" is the
// deployment name there.
const UPSTREAM_CHAT_MODEL = {
  openai: 'gpt-4o-mini',
  azure: 'chat-deployment',
  anthropic: 'claude-3-5-haiku-latest',
  gemini: 'gemini-2.0-flash',
};
const UPSTREAM_EMBED_MODEL = {
  openai: 'text-embedding-3-small',
  azure: 'embedding-deployment',
  anthropic: 'no-embeddings-here',
  gemini: 'text-embedding-004',
};
const EMBEDDING_FLAVORS = ['openai', 'azure', 'gemini'];

// A fragment of the message each mock flavor sends with its 429 (server/mockupstream/*Flavor.cpp,
// copied from the providers' real answers): the gateway must pass it on to the client.
const RATE_LIMIT_MESSAGE = {
  openai: 'Rate limit reached for',
  azure: 'Rate limit is exceeded',
  anthropic: 'would exceed the rate limit for your organization',
  gemini: 'You exceeded your current quota',
};

// Public (gateway) model names.
const chatModel = (flavor) => `chat-${flavor}`;
const embedModel = (flavor) => `embed-${flavor}`;
const rateLimitedModel = (flavor) => `ratelimited-${flavor}`;
const badKeyModel = (flavor) => `badkey-${flavor}`;
const unavailableModel = (flavor) => `unavailable-${flavor}`; // the upstream answers 503
const OVERLOADED_MODEL = 'overloaded-anthropic'; // the anthropic upstream answers 529
const SLOW_MODEL = 'slow'; // an upstream that answers later than the provider's read timeout
const UNREACHABLE_MODEL = 'unreachable'; // a provider whose port nobody listens on
const SLOW_READ_TIMEOUT_MS = 400;
const SLOW_UPSTREAM_LATENCY_MS = 10_000; // never waited for: the gateway gives up first
const envName = (prefix, flavor) => `${prefix}_${flavor.toUpperCase()}`;

// The tool every tool test offers. The mock calls the first tool offered, with arguments made
// from the schema's required properties: strings "mock-<name>", the first enum value, 1 for
// numbers.
const WEATHER_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string', description: 'City name' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', description: 'Days to forecast' },
    detail: { type: 'boolean', description: 'Optional, so the mock leaves it out' },
  },
  required: ['city', 'unit', 'days'],
};
const EXPECTED_WEATHER_ARGS = { city: 'mock-city', unit: 'celsius', days: 1 };
const TIME_SCHEMA = { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] };
const TOOL_RESULT = '{"temperature": 21, "unit": "celsius", "sky": "clear"}';

const openAiTools = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather forecast for a city', parameters: WEATHER_SCHEMA } },
  { type: 'function', function: { name: 'get_time', description: 'Current time in a zone', parameters: TIME_SCHEMA } },
];
const anthropicTools = [
  { name: 'get_weather', description: 'Weather forecast for a city', input_schema: WEATHER_SCHEMA },
  { name: 'get_time', description: 'Current time in a zone', input_schema: TIME_SCHEMA },
];

const userMessages = [{ role: 'user', content: 'Say something about gateways.' }];
const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const weatherQuestion = [{ role: 'user', content: 'What is the weather in Paris for the next day?' }];

// ---------------------------------------------------------------------------------------------
// Shared fixture: four mock upstreams and one gateway in front of them.

let work;
let gateway;
let gatewayKey;
let unreachableUrl;
const upstreams = {}; // by flavor, plus 'slow'

function openAiClient(apiKey = gatewayKey) {
  return new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: REQUEST_TIMEOUT_MS });
}

// The anthropic-version the mock's anthropic flavor accepts (server/mockupstream/AnthropicFlavor.cpp).
// The SDK sends its own (1.17.0: 2026-10-21), which the gateway passes through to anthropic
// providers and the mock refuses; the pass-through suite sends this one instead, and one test
// below checks the SDK's own version separately.
const MOCK_ANTHROPIC_VERSION = '2023-06-01';

function anthropicClientFor(apiKey = gatewayKey, { anthropicVersion } = {}) {
  // The SDK appends /v1/messages itself.
  return new Anthropic({
    apiKey,
    baseURL: gateway.url,
    maxRetries: 0,
    timeout: REQUEST_TIMEOUT_MS,
    ...(anthropicVersion ? { defaultHeaders: { 'anthropic-version': anthropicVersion } } : {}),
  });
}

// Adds the gateway's and the upstreams' logs to a failure, so a failing run says what happened
// on the other side.
async function withLogs(fn) {
  try {
    return await fn();
  } catch (err) {
    const logs = [gateway, ...Object.values(upstreams)]
      .filter(Boolean)
      .map((s) => `----- ${s.name} output (tail) -----\n${(s.stdout.text + s.stderr.text).slice(-LOG_TAIL_CHARS)}`)
      .join('\n');
    if (err && typeof err === 'object' && process.env.E2E_VERBOSE !== '1') {
      try {
        err.message = `${err.message}\n${logs}`;
      } catch {
        // read-only message: leave it
      }
    }
    throw err;
  }
}

function t(name, fn) {
  test(name, { timeout: TEST_TIMEOUT_MS }, () => withLogs(fn));
}

function describeError(err) {
  return `${err?.constructor?.name} status=${err?.status}: ${err?.message}`;
}

/** Resolves to the rejection of `promise`, or fails if it resolves. */
async function rejection(promise, what) {
  return promise.then(
    (value) => assert.fail(`${what}: expected an error, got a success: ${JSON.stringify(value)?.slice(0, 500)}`),
    (err) => err,
  );
}

before(async () => {
  gatehouseBin(); // fail fast with a clear message if GATEHOUSE_BIN is unset or wrong
  work = await makeWorkDir('gatehouse-e2e-providers-');

  const upstreamKeys = {};
  for (const flavor of FLAVORS) upstreamKeys[flavor] = `sk-e2e-${flavor}-${randomBase62(32)}`;
  const started = await Promise.all(
    FLAVORS.map((flavor) =>
      startMockUpstream({
        flavor,
        apiKey: upstreamKeys[flavor],
        streamChunks: STREAM_CHUNKS,
        chunkIntervalMs: CHUNK_INTERVAL_MS,
        env: work.env,
        cwd: work.workDir,
      }),
    ),
  );
  for (const svc of started) upstreams[svc.flavor] = svc;
  upstreams.slow = await startMockUpstream({
    flavor: 'openai',
    latencyMs: SLOW_UPSTREAM_LATENCY_MS,
    env: work.env,
    cwd: work.workDir,
    name: 'mock-upstream-slow',
  });
  unreachableUrl = `http://127.0.0.1:${await closedLoopbackPort()}/v1`;

  const providers = [];
  const models = [];
  const secrets = {};
  for (const flavor of FLAVORS) {
    const common = { kind: PROVIDER_KIND[flavor], base_url: upstreams[flavor].baseUrl, connect_timeout_ms: 2000, read_timeout_ms: 8000 };
    providers.push({ name: flavor, ...common, api_key: `env:${envName('E2E_UPSTREAM_KEY', flavor)}` });
    providers.push({ name: `${flavor}-badkey`, ...common, api_key: `env:${envName('E2E_WRONG_KEY', flavor)}` });
    secrets[envName('E2E_UPSTREAM_KEY', flavor)] = upstreamKeys[flavor];
    secrets[envName('E2E_WRONG_KEY', flavor)] = `sk-e2e-wrong-${randomBase62(32)}`;

    models.push({ name: chatModel(flavor), deployments: [{ provider: flavor, model: UPSTREAM_CHAT_MODEL[flavor] }] });
    models.push({ name: embedModel(flavor), deployments: [{ provider: flavor, model: UPSTREAM_EMBED_MODEL[flavor] }] });
    models.push({ name: rateLimitedModel(flavor), deployments: [{ provider: flavor, model: 'mock-error-429' }] });
    models.push({ name: badKeyModel(flavor), deployments: [{ provider: `${flavor}-badkey`, model: UPSTREAM_CHAT_MODEL[flavor] }] });
    models.push({ name: unavailableModel(flavor), deployments: [{ provider: flavor, model: 'mock-error-503' }] });
  }
  models.push({ name: OVERLOADED_MODEL, deployments: [{ provider: 'anthropic', model: 'mock-error-529' }] });

  providers.push({ name: 'slow', kind: 'openai', base_url: upstreams.slow.baseUrl, read_timeout_ms: SLOW_READ_TIMEOUT_MS });
  providers.push({ name: 'unreachable', kind: 'openai', base_url: unreachableUrl, connect_timeout_ms: 2000 });
  models.push({ name: SLOW_MODEL, deployments: [{ provider: 'slow', model: 'gpt-4o-mini' }] });
  models.push({ name: UNREACHABLE_MODEL, deployments: [{ provider: 'unreachable', model: 'gpt-4o-mini' }] });

  gatewayKey = randomGatewayKey();
  secrets.E2E_GATEHOUSE_KEY = gatewayKey;
  // These tests check how each provider answer is translated, errors included, so every call makes
  // one attempt and no circuit opens; traffic.test.mjs covers retries and breakers.
  const config = gatewayConfigYaml({
    providers,
    models,
    keys: [{ name: 'e2e', key: 'env:E2E_GATEHOUSE_KEY' }],
    policy: SINGLE_ATTEMPT_POLICY,
  });
  gateway = await startGateway({ work, config, env: secrets });
}, { timeout: 40_000 });

after(async () => {
  await stopAll([gateway, ...Object.values(upstreams)]);
  await work?.cleanup();
}, { timeout: 40_000 });

// ---------------------------------------------------------------------------------------------
// Helpers for the openai SDK

async function collectChatStream(stream) {
  let content = '';
  const arrivals = []; // performance.now() of each chunk with content
  let usage = null;
  let usageChunks = 0;
  let finishReason = null;
  let chunks = 0;
  const toolCalls = []; // by index: {id, type, function: {name, arguments}}
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) {
      usage = chunk.usage;
      usageChunks++;
    }
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    if (choice.delta?.content) {
      content += choice.delta.content;
      arrivals.push(performance.now());
    }
    for (const delta of choice.delta?.tool_calls ?? []) {
      const call = (toolCalls[delta.index] ??= { id: '', type: '', function: { name: '', arguments: '' } });
      if (delta.id) call.id += delta.id;
      if (delta.type) call.type = delta.type;
      if (delta.function?.name) call.function.name += delta.function.name;
      if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  return { content, arrivals, usage, usageChunks, finishReason, chunks, toolCalls };
}

// Content that arrived in one burst was buffered somewhere; the mock spreads it over
// (STREAM_CHUNKS - 1) * CHUNK_INTERVAL_MS.
function assertIncremental(arrivals, where) {
  assert.ok(arrivals.length >= 2, `${where}: expected several content pieces, got ${arrivals.length}`);
  const spread = arrivals.at(-1) - arrivals[0];
  const timeline = arrivals.map((t) => `${(t - arrivals[0]).toFixed(1)}ms`).join(', ');
  assert.ok(
    spread >= CHUNK_INTERVAL_MS,
    `${where}: content arrived in one burst (first..last = ${spread.toFixed(1)} ms, arrivals: ${timeline}); ` +
      `the stream appears to be buffered`,
  );
}

function parseArguments(text, where) {
  try {
    return JSON.parse(text);
  } catch (err) {
    assert.fail(`${where}: tool call arguments are not valid JSON (${err.message}): ${JSON.stringify(text)}`);
  }
}

function assertUsage(usage, where) {
  assert.ok(usage, `${where}: usage must be present`);
  assert.ok(usage.prompt_tokens > 0, `${where}: usage.prompt_tokens must be > 0, got ${usage.prompt_tokens}`);
  assert.ok(usage.completion_tokens > 0, `${where}: usage.completion_tokens must be > 0, got ${usage.completion_tokens}`);
}

// JSON floats are the shortest text that reads back as the float32 the mock made, base64 carries
// the float32 itself: compare as float32.
const f32 = (v) => v.map(Math.fround);

function vectorNorm(v) {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

// Reference embeddings, computed once through the openai flavor with encoding_format "float": the
// mock's vectors depend only on the text and the dimensions, so every flavor must decode to them.
const referenceEmbeddings = new Map();
async function referenceEmbedding(input, dimensions) {
  const key = `${dimensions}:${input}`;
  if (!referenceEmbeddings.has(key)) {
    const r = await openAiClient().embeddings.create({
      model: embedModel('openai'),
      input,
      encoding_format: 'float',
      ...(dimensions === MOCK_EMBEDDING_DIMENSIONS ? {} : { dimensions }),
    });
    referenceEmbeddings.set(key, r.data[0].embedding);
  }
  return referenceEmbeddings.get(key);
}

// ---------------------------------------------------------------------------------------------
// The openai SDK against every flavor

for (const flavor of FLAVORS) {
  describe(`openai SDK -> gateway -> ${flavor} upstream`, () => {
    let nonStreamContent;

    t('chat completion (non-streaming)', async () => {
      const completion = await openAiClient().chat.completions.create({ model: chatModel(flavor), messages: userMessages });
      assert.equal(completion.object, 'chat.completion');
      assert.ok(typeof completion.id === 'string' && completion.id.length > 0, 'id must be a non-empty string');
      assert.ok(typeof completion.model === 'string' && completion.model.length > 0, 'model must be a non-empty string');
      assert.equal(completion.choices?.length, 1, 'exactly one choice');
      const choice = completion.choices[0];
      assert.equal(choice.message.role, 'assistant');
      assert.equal(typeof choice.message.content, 'string', 'message.content must be a string');
      assert.ok(choice.message.content.length > 0, 'message.content must be non-empty');
      assert.equal(choice.finish_reason, 'stop');
      assertUsage(completion.usage, 'non-streaming');
      nonStreamContent = choice.message.content;
    });

    t('chat completion (streaming): deltas add up to the non-streaming content', async () => {
      const stream = await openAiClient().chat.completions.create({ model: chatModel(flavor), messages: userMessages, stream: true });
      const r = await collectChatStream(stream);
      assert.ok(r.chunks >= 2, `expected several chunks, got ${r.chunks}`);
      assert.ok(r.content.length > 0, 'streamed content must be non-empty');
      if (nonStreamContent !== undefined) {
        assert.equal(r.content, nonStreamContent, 'concatenated deltas must equal the non-streaming content');
      }
      assert.equal(r.finishReason, 'stop');
      assertIncremental(r.arrivals, 'chat stream');
      assert.equal(
        r.usageChunks,
        0,
        `without stream_options.include_usage no chunk may carry usage (OpenAI's contract), got ${JSON.stringify(r.usage)}`,
      );
    });

    t('chat completion (streaming) with include_usage: the SDK sees usage', async () => {
      const stream = await openAiClient().chat.completions.create({
        model: chatModel(flavor),
        messages: userMessages,
        stream: true,
        stream_options: { include_usage: true },
      });
      const r = await collectChatStream(stream);
      if (nonStreamContent !== undefined) assert.equal(r.content, nonStreamContent);
      assert.equal(r.usageChunks, 1, `exactly one chunk must carry usage, got ${r.usageChunks}`);
      assertUsage(r.usage, 'streaming with include_usage');
    });

    t('a realistic conversation (system, developer, history, image, sampling fields) is accepted', async () => {
      const completion = await openAiClient().chat.completions.create({
        model: chatModel(flavor),
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
          { role: 'user', content: 'Hi, Grüße 👋' },
          { role: 'assistant', content: 'Hello.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${TINY_PNG_BASE64}` } },
            ],
          },
        ],
        temperature: 0.2,
        top_p: 0.9,
        stop: ['END'],
        max_tokens: 200,
        user: 'e2e-user',
      });
      assert.equal(completion.choices[0].finish_reason, 'stop');
      assert.ok(completion.choices[0].message.content?.length > 0, 'must answer with text');
    });

    t('tools: a tool call with parseable arguments, then text after the tool result', async () => {
      const client = openAiClient();
      const first = await client.chat.completions.create({ model: chatModel(flavor), messages: weatherQuestion, tools: openAiTools });
      const choice = first.choices[0];
      assert.equal(choice.finish_reason, 'tool_calls');
      const calls = choice.message.tool_calls;
      assert.ok(Array.isArray(calls) && calls.length === 1, `expected one tool call, got ${JSON.stringify(calls)}`);
      const [call] = calls;
      assert.equal(call.type, 'function');
      assert.ok(typeof call.id === 'string' && call.id.length > 0, 'tool call id must be non-empty');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(parseArguments(call.function.arguments, 'turn 1'), EXPECTED_WEATHER_ARGS);

      const second = await client.chat.completions.create({
        model: chatModel(flavor),
        tools: openAiTools,
        messages: [
          ...weatherQuestion,
          { role: 'assistant', content: choice.message.content ?? null, tool_calls: calls },
          { role: 'tool', tool_call_id: call.id, content: TOOL_RESULT },
        ],
      });
      const answer = second.choices[0];
      assert.equal(answer.finish_reason, 'stop', `turn 2 must end with text, got ${JSON.stringify(answer)}`);
      assert.ok(!answer.message.tool_calls?.length, `turn 2 must not call a tool again: ${JSON.stringify(answer.message.tool_calls)}`);
      assert.ok(typeof answer.message.content === 'string' && answer.message.content.length > 0, 'turn 2 must have text');
    });

    t('tools (streaming): tool call deltas assemble into parseable arguments', async () => {
      const stream = await openAiClient().chat.completions.create({
        model: chatModel(flavor),
        messages: weatherQuestion,
        tools: openAiTools,
        stream: true,
        stream_options: { include_usage: true },
      });
      const r = await collectChatStream(stream);
      assert.equal(r.finishReason, 'tool_calls');
      assert.equal(r.toolCalls.length, 1, `expected one streamed tool call, got ${JSON.stringify(r.toolCalls)}`);
      const [call] = r.toolCalls;
      assert.ok(call.id.length > 0, 'streamed tool call must have an id');
      assert.equal(call.type, 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(parseArguments(call.function.arguments, 'streamed'), EXPECTED_WEATHER_ARGS);
      assertUsage(r.usage, 'streamed tool call');
    });

    if (EMBEDDING_FLAVORS.includes(flavor)) {
      t('embeddings: the SDK default (base64) decodes to vectors of the right length', async () => {
        // Non-ASCII, quotes, escapes: the mock's vector is a hash of the exact text, so any change to
        // the text on its way through the gateway shows as a different vector.
        const inputs = ['first text to embed', 'Grüße 👋 — "quoted" \\ back\\slash\nnew line\t\u2028 end'];
        const r = await openAiClient().embeddings.create({ model: embedModel(flavor), input: inputs });
        assert.equal(r.object, 'list');
        assert.equal(r.data.length, inputs.length);
        for (const [i, item] of r.data.entries()) {
          assert.equal(item.index, i, `data[${i}].index`);
          assert.equal(item.object, 'embedding');
          assert.ok(Array.isArray(item.embedding), `data[${i}].embedding must be decoded to an array, got ${typeof item.embedding}`);
          assert.equal(item.embedding.length, MOCK_EMBEDDING_DIMENSIONS, `data[${i}].embedding length`);
          assert.ok(item.embedding.every(Number.isFinite), `data[${i}].embedding must be finite numbers`);
          assert.ok(Math.abs(vectorNorm(item.embedding) - 1) < 1e-3, `data[${i}] must be unit length (mock vectors are normalised)`);
          assert.deepEqual(f32(item.embedding), f32(await referenceEmbedding(inputs[i], MOCK_EMBEDDING_DIMENSIONS)), `data[${i}] values`);
        }
        assert.notDeepEqual(r.data[0].embedding, r.data[1].embedding, 'different inputs give different vectors');
        assert.ok(r.usage?.prompt_tokens > 0, `usage.prompt_tokens must be > 0, got ${JSON.stringify(r.usage)}`);
      });

      t('embeddings: dimensions and encoding_format float', async () => {
        const input = 'dimensions test';
        const b64 = await openAiClient().embeddings.create({ model: embedModel(flavor), input, dimensions: 24 });
        assert.equal(b64.data.length, 1);
        assert.equal(b64.data[0].embedding.length, 24, 'dimensions: 24 must give 24 values');
        const float = await openAiClient().embeddings.create({ model: embedModel(flavor), input, dimensions: 24, encoding_format: 'float' });
        assert.equal(float.data[0].embedding.length, 24);
        assert.deepEqual(f32(b64.data[0].embedding), f32(float.data[0].embedding), 'base64 and float encodings must give the same values');
        assert.deepEqual(f32(float.data[0].embedding), f32(await referenceEmbedding(input, 24)), 'values must be the mock vector for the input');
      });
    } else {
      t('embeddings to a provider without an embeddings API: 400 embeddings_unsupported', async () => {
        const err = await rejection(openAiClient().embeddings.create({ model: embedModel(flavor), input: 'x' }), 'embeddings');
        assert.ok(err instanceof OpenAI.BadRequestError, `expected BadRequestError, got ${describeError(err)}`);
        assert.equal(err.status, 400);
        assert.equal(err.code, 'embeddings_unsupported');
      });
    }

    t('upstream 429: RateLimitError with the provider message', async () => {
      for (const stream of [false, true]) {
        const err = await rejection(
          openAiClient().chat.completions.create({ model: rateLimitedModel(flavor), messages: userMessages, stream }),
          `429 (stream: ${stream})`,
        );
        assert.ok(err instanceof OpenAI.RateLimitError, `stream=${stream}: expected RateLimitError, got ${describeError(err)}`);
        assert.equal(err.status, 429);
        assert.ok(
          err.message.includes(RATE_LIMIT_MESSAGE[flavor]),
          `stream=${stream}: the ${flavor} provider's message ('${RATE_LIMIT_MESSAGE[flavor]}...') must reach the client, got: ${err.message}`,
        );
        assert.equal(err.error?.type, 'rate_limit_error', `error.type: ${JSON.stringify(err.error)}`);
        assert.equal(err.code, 'rate_limit_exceeded');
        assert.equal(err.headers?.get('retry-after'), '1', `the provider's Retry-After must be passed on (stream=${stream})`);
      }
    });

    t('upstream 503: InternalServerError 503 naming the provider', async () => {
      const err = await rejection(openAiClient().chat.completions.create({ model: unavailableModel(flavor), messages: userMessages }), '503');
      assert.ok(err instanceof OpenAI.InternalServerError, `expected InternalServerError, got ${describeError(err)}`);
      assert.equal(err.status, 503);
      assert.ok(err.message.includes(`Provider '${flavor}' answered HTTP 503`), `message: ${err.message}`);
      assert.equal(err.code, 'upstream_503');
    });

    t("runTools: the SDK's own tool loop ends with text", async () => {
      const seen = [];
      const runner = openAiClient().chat.completions.runTools({
        model: chatModel(flavor),
        messages: weatherQuestion,
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'Weather forecast for a city',
              parameters: WEATHER_SCHEMA,
              parse: JSON.parse,
              function: (args) => {
                seen.push(args);
                return TOOL_RESULT;
              },
            },
          },
        ],
      });
      const content = await runner.finalContent();
      assert.deepEqual(seen, [EXPECTED_WEATHER_ARGS], 'the tool must run once with the mock arguments');
      assert.ok(typeof content === 'string' && content.length > 0, `the loop must end with text, got ${JSON.stringify(content)}`);
      const roles = runner.messages.map((m) => m.role);
      assert.deepEqual(roles, ['user', 'assistant', 'tool', 'assistant'], `conversation: ${JSON.stringify(runner.messages)}`);
    });

    t('wrong upstream key: 502 saying the provider refused the gateway credentials', async () => {
      const err = await rejection(openAiClient().chat.completions.create({ model: badKeyModel(flavor), messages: userMessages }), 'bad key');
      assert.ok(err instanceof OpenAI.APIError, `expected APIError, got ${describeError(err)}`);
      assert.ok(!(err instanceof OpenAI.AuthenticationError), 'the client authenticated fine: not an AuthenticationError');
      assert.equal(err.status, 502, `expected 502, got ${describeError(err)}`);
      assert.match(err.message, /credentials/i, 'the message must say the provider refused the credentials');
      assert.ok(err.message.includes(`${flavor}-badkey`), `the message must name the provider '${flavor}-badkey': ${err.message}`);
      assert.equal(err.code, 'upstream_auth_failed');
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The Anthropic SDK (/v1/messages) against every flavor; anthropic is pass-through.

function textOf(message) {
  return message.content
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('');
}

function assertAnthropicUsage(usage, where) {
  assert.ok(usage, `${where}: usage must be present`);
  assert.ok(usage.input_tokens > 0, `${where}: usage.input_tokens must be > 0, got ${JSON.stringify(usage)}`);
  assert.ok(usage.output_tokens > 0, `${where}: usage.output_tokens must be > 0, got ${JSON.stringify(usage)}`);
}

for (const flavor of FLAVORS) {
  describe(`@anthropic-ai/sdk -> gateway /v1/messages -> ${flavor} upstream${flavor === 'anthropic' ? ' (pass-through)' : ''}`, () => {
    let createdText;
    const anthropicClient = (apiKey = gatewayKey) =>
      anthropicClientFor(apiKey, { anthropicVersion: flavor === 'anthropic' ? MOCK_ANTHROPIC_VERSION : undefined });

    t('messages.create: text', async () => {
      const message = await anthropicClient().messages.create({ model: chatModel(flavor), max_tokens: 256, messages: userMessages });
      assert.equal(message.type, 'message');
      assert.equal(message.role, 'assistant');
      assert.ok(typeof message.id === 'string' && message.id.length > 0, 'id must be non-empty');
      assert.ok(Array.isArray(message.content) && message.content.length >= 1, 'content must be a non-empty array');
      assert.equal(message.content[0].type, 'text');
      const text = textOf(message);
      assert.ok(text.length > 0, 'text must be non-empty');
      assert.equal(message.stop_reason, 'end_turn');
      assertAnthropicUsage(message.usage, 'messages.create');
      createdText = text;
    });

    t('messages.stream: text deltas concatenate to the final message; usage present', async () => {
      const stream = anthropicClient().messages.stream({ model: chatModel(flavor), max_tokens: 256, messages: userMessages });
      const deltas = [];
      const arrivals = [];
      stream.on('text', (delta) => {
        deltas.push(delta);
        arrivals.push(performance.now());
      });
      const final = await stream.finalMessage();
      const streamed = deltas.join('');
      assert.ok(deltas.length >= 2, `expected several text deltas, got ${deltas.length}`);
      assert.equal(streamed, textOf(final), 'text deltas must concatenate to the final message text');
      if (createdText !== undefined) assert.equal(streamed, createdText, 'streamed text must equal the messages.create text');
      assert.equal(final.stop_reason, 'end_turn');
      assertAnthropicUsage(final.usage, 'messages.stream');
      assertIncremental(arrivals, 'messages.stream');
    });

    for (const withTools of [false, true]) {
      t(`raw stream (${withTools ? 'tool use' : 'text'}): events in the documented order`, async () => {
        const stream = await anthropicClient().messages.create({
          model: chatModel(flavor),
          max_tokens: 256,
          messages: withTools ? weatherQuestion : userMessages,
          ...(withTools ? { tools: anthropicTools } : {}),
          stream: true,
        });
        const events = [];
        for await (const event of stream) events.push(event);
        const types = events.map((e) => e.type);
        const trace = types.join(' ');
        assert.equal(types[0], 'message_start', `first event: ${trace}`);
        assert.equal(types.at(-1), 'message_stop', `last event: ${trace}`);
        assert.equal(types.at(-2), 'message_delta', `message_delta right before message_stop: ${trace}`);
        assert.equal(types.filter((x) => x === 'message_start').length, 1, trace);
        assert.equal(types.filter((x) => x === 'message_delta').length, 1, trace);
        // Blocks: opened in index order from 0, deltas only to the open block, each closed once.
        let open = null;
        let next = 0;
        for (const e of events) {
          if (e.type === 'content_block_start') {
            assert.equal(open, null, `block ${e.index} opened while ${open} is open: ${trace}`);
            assert.equal(e.index, next, `blocks must open in order: ${trace}`);
            open = e.index;
            next++;
          } else if (e.type === 'content_block_delta') {
            assert.equal(e.index, open, `delta for block ${e.index} while ${open} is open: ${trace}`);
          } else if (e.type === 'content_block_stop') {
            assert.equal(e.index, open, `stop for block ${e.index} while ${open} is open: ${trace}`);
            open = null;
          } else if (e.type === 'message_delta' || e.type === 'message_stop') {
            assert.equal(open, null, `${e.type} while block ${open} is open: ${trace}`);
          }
        }
        assert.ok(next >= 1, `at least one content block: ${trace}`);
        const start = events[0].message;
        assert.equal(start.role, 'assistant');
        assert.deepEqual(start.content, [], 'message_start carries an empty content array');
        const delta = events.at(-2);
        assert.equal(delta.delta.stop_reason, withTools ? 'tool_use' : 'end_turn');
        assert.ok(delta.usage?.output_tokens > 0, `message_delta.usage.output_tokens: ${JSON.stringify(delta.usage)}`);
        const deltaTypes = new Set(events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.type));
        assert.deepEqual([...deltaTypes], [withTools ? 'input_json_delta' : 'text_delta'], trace);
      });
    }

    t('a realistic request (system blocks, history, image, sampling, tool_choice) is accepted', async () => {
      const message = await anthropicClient().messages.create({
        model: chatModel(flavor),
        max_tokens: 200,
        system: [{ type: 'text', text: 'You are terse.' }],
        messages: [
          { role: 'user', content: 'Hi, Grüße 👋' },
          { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is the weather where this picture was taken?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } },
            ],
          },
        ],
        temperature: 0.2,
        stop_sequences: ['END'],
        top_k: 5,
        metadata: { user_id: 'e2e-user' },
        tools: anthropicTools,
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
      });
      assert.equal(message.stop_reason, 'tool_use', `content: ${JSON.stringify(message.content)}`);
      const use = message.content.find((b) => b.type === 'tool_use');
      assert.deepEqual(use?.input, EXPECTED_WEATHER_ARGS);
    });

    t('tool use: tool_use block with an input object, then text after tool_result', async () => {
      const client = anthropicClient();
      const first = await client.messages.create({ model: chatModel(flavor), max_tokens: 256, messages: weatherQuestion, tools: anthropicTools });
      assert.equal(first.stop_reason, 'tool_use', `content: ${JSON.stringify(first.content)}`);
      const uses = first.content.filter((b) => b.type === 'tool_use');
      assert.equal(uses.length, 1, `expected one tool_use block, got ${JSON.stringify(first.content)}`);
      const [use] = uses;
      assert.ok(typeof use.id === 'string' && use.id.length > 0, 'tool_use.id must be non-empty');
      assert.equal(use.name, 'get_weather');
      assert.equal(typeof use.input, 'object', `tool_use.input must be an object, got ${JSON.stringify(use.input)}`);
      assert.deepEqual(use.input, EXPECTED_WEATHER_ARGS);

      const second = await client.messages.create({
        model: chatModel(flavor),
        max_tokens: 256,
        tools: anthropicTools,
        messages: [
          ...weatherQuestion,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: TOOL_RESULT }] },
        ],
      });
      assert.equal(second.stop_reason, 'end_turn', `turn 2 must end with text: ${JSON.stringify(second.content)}`);
      assert.ok(!second.content.some((b) => b.type === 'tool_use'), `turn 2 must not call a tool again: ${JSON.stringify(second.content)}`);
      assert.ok(textOf(second).length > 0, 'turn 2 must have text');
    });

    t('tool use (streaming): finalMessage has the tool_use input', async () => {
      const stream = anthropicClient().messages.stream({ model: chatModel(flavor), max_tokens: 256, messages: weatherQuestion, tools: anthropicTools });
      const jsonDeltas = [];
      stream.on('inputJson', (delta) => jsonDeltas.push(delta));
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'tool_use');
      const uses = final.content.filter((b) => b.type === 'tool_use');
      assert.equal(uses.length, 1, `expected one tool_use block, got ${JSON.stringify(final.content)}`);
      assert.equal(uses[0].name, 'get_weather');
      assert.deepEqual(uses[0].input, EXPECTED_WEATHER_ARGS);
      assert.deepEqual(parseArguments(jsonDeltas.join(''), 'input_json_delta'), EXPECTED_WEATHER_ARGS);
      assertAnthropicUsage(final.usage, 'streamed tool use');
    });

    t('upstream 429: RateLimitError, Anthropic-shaped, with the provider message', async () => {
      const err = await rejection(
        anthropicClient().messages.create({ model: rateLimitedModel(flavor), max_tokens: 64, messages: userMessages }),
        '429',
      );
      assert.ok(err instanceof Anthropic.RateLimitError, `expected RateLimitError, got ${describeError(err)}`);
      assert.equal(err.status, 429);
      assert.equal(err.error?.type, 'error', `body must be Anthropic-shaped: ${JSON.stringify(err.error)}`);
      assert.equal(err.error?.error?.type, 'rate_limit_error', `error.error.type: ${JSON.stringify(err.error)}`);
      assert.ok(
        err.message.includes(RATE_LIMIT_MESSAGE[flavor]),
        `the ${flavor} provider's message ('${RATE_LIMIT_MESSAGE[flavor]}...') must reach the client, got: ${err.message}`,
      );
      assert.equal(err.headers?.get('retry-after'), '1', "the provider's Retry-After must be passed on");
    });

    t('upstream 503: ServiceUnavailableError, overloaded_error', async () => {
      const err = await rejection(
        anthropicClient().messages.create({ model: unavailableModel(flavor), max_tokens: 64, messages: userMessages }),
        '503',
      );
      assert.ok(err instanceof Anthropic.ServiceUnavailableError, `expected ServiceUnavailableError, got ${describeError(err)}`);
      assert.equal(err.status, 503);
      assert.equal(err.error?.error?.type, 'overloaded_error', `error.error.type: ${JSON.stringify(err.error)}`);
      assert.ok(err.message.includes(`Provider '${flavor}' answered HTTP 503`), `message: ${err.message}`);
    });

    t('upstream 429 while streaming: the stream rejects with RateLimitError', async () => {
      const stream = anthropicClient().messages.stream({ model: rateLimitedModel(flavor), max_tokens: 64, messages: userMessages });
      stream.on('error', () => {}); // the rejection is checked below
      const err = await rejection(stream.finalMessage(), 'streamed 429');
      assert.ok(err instanceof Anthropic.RateLimitError, `expected RateLimitError, got ${describeError(err)}`);
      assert.equal(err.status, 429);
      assert.equal(err.error?.error?.type, 'rate_limit_error', `error.error.type: ${JSON.stringify(err.error)}`);
    });

    t('wrong upstream key: 502 APIError (api_error) saying the provider refused the credentials', async () => {
      const err = await rejection(
        anthropicClient().messages.create({ model: badKeyModel(flavor), max_tokens: 64, messages: userMessages }),
        'bad key',
      );
      assert.ok(err instanceof Anthropic.APIError, `expected APIError, got ${describeError(err)}`);
      assert.ok(!(err instanceof Anthropic.AuthenticationError), 'the client authenticated fine: not an AuthenticationError');
      assert.equal(err.status, 502, `expected 502, got ${describeError(err)}`);
      assert.equal(err.error?.type, 'error', `body must be Anthropic-shaped: ${JSON.stringify(err.error)}`);
      assert.equal(err.error?.error?.type, 'api_error', `error.error.type: ${JSON.stringify(err.error)}`);
      assert.match(err.message, /credentials/i, 'the message must say the provider refused the credentials');
      assert.ok(err.message.includes(`${flavor}-badkey`), `the message must name the provider '${flavor}-badkey': ${err.message}`);
    });
  });
}

describe('transport failures and other errors', () => {
  t("anthropic's 529: 503 on both ingresses", async () => {
    const openAiErr = await rejection(openAiClient().chat.completions.create({ model: OVERLOADED_MODEL, messages: userMessages }), '529');
    assert.ok(openAiErr instanceof OpenAI.InternalServerError, `expected InternalServerError, got ${describeError(openAiErr)}`);
    assert.equal(openAiErr.status, 503);
    assert.equal(openAiErr.code, 'upstream_529');
    assert.match(openAiErr.message, /Overloaded/);

    const err = await rejection(
      anthropicClientFor(gatewayKey, { anthropicVersion: MOCK_ANTHROPIC_VERSION }).messages.create({
        model: OVERLOADED_MODEL,
        max_tokens: 64,
        messages: userMessages,
      }),
      '529 on /v1/messages',
    );
    assert.equal(err.status, 503, `expected 503, got ${describeError(err)}`);
    assert.equal(err.error?.error?.type, 'overloaded_error', `error.error.type: ${JSON.stringify(err.error)}`);
  });

  t('unreachable provider: 502 upstream_error naming the provider and its URL', async () => {
    const err = await rejection(openAiClient().chat.completions.create({ model: UNREACHABLE_MODEL, messages: userMessages }), 'unreachable');
    assert.ok(err instanceof OpenAI.InternalServerError, `expected InternalServerError, got ${describeError(err)}`);
    assert.equal(err.status, 502);
    assert.equal(err.error?.type, 'upstream_error', JSON.stringify(err.error));
    assert.ok(err.message.includes('unreachable'), `the message must name the provider: ${err.message}`);
    const { host } = new URL(unreachableUrl);
    assert.ok(err.message.includes(host), `the message must name the URL (${host}): ${err.message}`);

    const aErr = await rejection(
      anthropicClientFor().messages.create({ model: UNREACHABLE_MODEL, max_tokens: 64, messages: userMessages }),
      'unreachable on /v1/messages',
    );
    assert.equal(aErr.status, 502, `expected 502, got ${describeError(aErr)}`);
    assert.equal(aErr.error?.error?.type, 'api_error', `error.error.type: ${JSON.stringify(aErr.error)}`);
  });

  t('provider slower than read_timeout_ms: 504 upstream_timeout, promptly', async () => {
    for (const stream of [false, true]) {
      const started = performance.now();
      const err = await rejection(
        openAiClient().chat.completions.create({ model: SLOW_MODEL, messages: userMessages, stream }),
        `slow (stream: ${stream})`,
      );
      const elapsed = performance.now() - started;
      assert.ok(err instanceof OpenAI.InternalServerError, `expected InternalServerError, got ${describeError(err)}`);
      assert.equal(err.status, 504, `stream=${stream}: ${describeError(err)}`);
      assert.equal(err.code, 'upstream_timeout', `stream=${stream}: ${JSON.stringify(err.error)}`);
      assert.ok(
        elapsed >= SLOW_READ_TIMEOUT_MS * 0.9 && elapsed < SLOW_READ_TIMEOUT_MS + 4000,
        `stream=${stream}: the 504 must come after about read_timeout_ms (${SLOW_READ_TIMEOUT_MS} ms), came after ${elapsed.toFixed(0)} ms`,
      );
    }
    const aErr = await rejection(
      anthropicClientFor().messages.create({ model: SLOW_MODEL, max_tokens: 64, messages: userMessages }),
      'slow on /v1/messages',
    );
    assert.ok(aErr instanceof Anthropic.GatewayTimeoutError, `expected GatewayTimeoutError, got ${describeError(aErr)}`);
    assert.equal(aErr.error?.error?.type, 'api_error', `error.error.type: ${JSON.stringify(aErr.error)}`);
  });

  t('an unknown model on /v1/messages: NotFoundError, not_found_error', async () => {
    const err = await rejection(
      anthropicClientFor().messages.create({ model: `no-such-model-${randomBase62(8)}`, max_tokens: 64, messages: userMessages }),
      'unknown model',
    );
    assert.ok(err instanceof Anthropic.NotFoundError, `expected NotFoundError, got ${describeError(err)}`);
    assert.equal(err.error?.error?.type, 'not_found_error', `error.error.type: ${JSON.stringify(err.error)}`);
  });

  t('n: 2 to anthropic: 400 naming n (refused, not silently changed)', async () => {
    const err = await rejection(openAiClient().chat.completions.create({ model: chatModel('anthropic'), messages: userMessages, n: 2 }), 'n: 2');
    assert.ok(err instanceof OpenAI.BadRequestError, `expected BadRequestError, got ${describeError(err)}`);
    assert.equal(err.param, 'n', JSON.stringify(err.error));
  });

  t('embeddings of token ids to gemini: 400 naming input', async () => {
    const err = await rejection(openAiClient().embeddings.create({ model: embedModel('gemini'), input: [[1, 2, 3]] }), 'token ids');
    assert.ok(err instanceof OpenAI.BadRequestError, `expected BadRequestError, got ${describeError(err)}`);
    assert.equal(err.param, 'input', JSON.stringify(err.error));
  });
});

describe('concurrency', () => {
  t('mixed concurrent requests over every flavor and both SDKs all come back whole', async () => {
    const reference = (await openAiClient().chat.completions.create({ model: chatModel('openai'), messages: userMessages })).choices[0].message
      .content;
    const openai = openAiClient();
    const anthropics = Object.fromEntries(
      FLAVORS.map((f) => [f, anthropicClientFor(gatewayKey, { anthropicVersion: f === 'anthropic' ? MOCK_ANTHROPIC_VERSION : undefined })]),
    );
    const kinds = {
      chat: (f, i) =>
        openai.chat.completions
          .create({ model: chatModel(f), messages: [{ role: 'user', content: `request ${i}` }] })
          .then((c) => c.choices[0].message.content),
      chatStream: async (f, i) => {
        const stream = await openai.chat.completions.create({ model: chatModel(f), stream: true, messages: [{ role: 'user', content: `request ${i}` }] });
        return (await collectChatStream(stream)).content;
      },
      messages: (f, i) =>
        anthropics[f].messages.create({ model: chatModel(f), max_tokens: 64, messages: [{ role: 'user', content: `request ${i}` }] }).then(textOf),
      messagesStream: (f, i) =>
        anthropics[f].messages.stream({ model: chatModel(f), max_tokens: 64, messages: [{ role: 'user', content: `request ${i}` }] }).finalText(),
    };
    const jobs = [];
    let i = 0;
    for (let round = 0; round < 3; round++) {
      for (const flavor of FLAVORS) {
        for (const [kind, run] of Object.entries(kinds)) {
          const n = i++;
          jobs.push(
            run(flavor, n).then(
              (text) => (text === reference ? null : `${kind} -> ${flavor} #${n}: wrong text ${JSON.stringify(String(text).slice(0, 80))}`),
              (err) => `${kind} -> ${flavor} #${n}: ${describeError(err)}`,
            ),
          );
        }
      }
    }
    const failures = (await Promise.all(jobs)).filter(Boolean);
    assert.deepEqual(failures, [], `${failures.length} of ${jobs.length} concurrent requests failed`);
  });
});

describe('client authentication on /v1/messages', () => {
  t('a wrong gateway key gets the Anthropic AuthenticationError (401)', async () => {
    const err = await rejection(
      anthropicClientFor(randomGatewayKey()).messages.create({ model: chatModel('openai'), max_tokens: 64, messages: userMessages }),
      'wrong key',
    );
    assert.ok(err instanceof Anthropic.AuthenticationError, `expected AuthenticationError, got ${describeError(err)}`);
    assert.equal(err.status, 401);
    assert.equal(err.error?.error?.type, 'authentication_error', `error.error.type: ${JSON.stringify(err.error)}`);
  });
});

describe('@anthropic-ai/sdk with its own anthropic-version -> anthropic upstream (pass-through)', () => {
  t('the SDK default anthropic-version is accepted end to end', async () => {
    let sentVersion;
    const client = new Anthropic({
      apiKey: gatewayKey,
      baseURL: gateway.url,
      maxRetries: 0,
      timeout: REQUEST_TIMEOUT_MS,
      fetch: (url, init) => {
        sentVersion = new Headers(init?.headers).get('anthropic-version');
        return fetch(url, init);
      },
    });
    const sdkVersion = await client.messages
      .create({ model: chatModel('anthropic'), max_tokens: 64, messages: userMessages })
      .then(
        (message) => ({ message }),
        (err) => ({ err }),
      );
    if (sdkVersion.err) {
      const err = sdkVersion.err;
      assert.fail(
        `POST /v1/messages with the SDK's default headers (@anthropic-ai/sdk ${ANTHROPIC_SDK_VERSION} sends ` +
          `anthropic-version: ${sentVersion}) to a model on an anthropic provider failed: ${describeError(err)}. ` +
          `The gateway passes the client's anthropic-version through; the mock-upstream anthropic flavor only ` +
          `accepts ${MOCK_ANTHROPIC_VERSION} and 2023-01-01.`,
      );
    }
    assert.ok(textOf(sdkVersion.message).length > 0);
  });
});
