// Process harness for the Gatehouse end-to-end tests.
//
// Spawns `gatehouse` subcommands, waits for their "listening on http://HOST:PORT" line on
// stdout (no sleeps: readiness is the line itself, bounded by a timeout), keeps draining their
// output so a chatty child can never block on a full pipe, and guarantees the children are
// killed: explicitly via stop(), and as a last resort when this test process exits or is
// interrupted.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const READY_RE = /listening on (http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d+))/;
const LOG_TAIL_BYTES = 64 * 1024;
const VERBOSE = process.env.E2E_VERBOSE === '1';

// ---------------------------------------------------------------------------------------------
// Binary lookup

/** Returns the absolute path of the gatehouse binary from GATEHOUSE_BIN, or throws clearly. */
export function gatehouseBin() {
  const bin = process.env.GATEHOUSE_BIN;
  const usage = 'Run as: GATEHOUSE_BIN=/abs/path/to/gatehouse npm test';
  if (!bin) {
    throw new Error(`GATEHOUSE_BIN is not set. ${usage}`);
  }
  if (!isAbsolute(bin)) {
    throw new Error(`GATEHOUSE_BIN must be an absolute path, got '${bin}'. ${usage}`);
  }
  let st;
  try {
    st = statSync(bin);
  } catch {
    throw new Error(`GATEHOUSE_BIN points to '${bin}', which does not exist. ${usage}`);
  }
  if (!st.isFile()) {
    throw new Error(`GATEHOUSE_BIN points to '${bin}', which is not a regular file.`);
  }
  try {
    accessSync(bin, fsConstants.X_OK);
  } catch {
    throw new Error(`GATEHOUSE_BIN points to '${bin}', which is not executable.`);
  }
  return bin;
}

// ---------------------------------------------------------------------------------------------
// Random secrets

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomBase62(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += BASE62[randomInt(BASE62.length)];
  return s;
}

/** A gateway API key in the shape Gatehouse issues: `gk-` + 40 base62 chars. */
export function randomGatewayKey() {
  return `gk-${randomBase62(40)}`;
}

// ---------------------------------------------------------------------------------------------
// Environment

/**
 * A copy of the current environment without proxy settings, so nothing a child does can be
 * routed off the loopback interface, plus the given overrides.
 */
export function hermeticEnv(overrides = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(https?|all|ftp|no)_proxy$/i.test(k)) delete env[k];
  }
  env.NO_PROXY = '127.0.0.1,localhost,::1';
  env.no_proxy = env.NO_PROXY;
  return { ...env, ...overrides };
}

// ---------------------------------------------------------------------------------------------
// Last-resort cleanup

const live = new Set();

function killAllSync() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    killAllSync();
    // Re-raise with the default disposition so our exit status still reflects the signal.
    process.kill(process.pid, sig);
  });
}

// ---------------------------------------------------------------------------------------------
// Spawning

class Tail {
  constructor(limit) {
    this.limit = limit;
    this.text = '';
  }
  push(s) {
    this.text += s;
    if (this.text.length > this.limit) this.text = this.text.slice(this.text.length - this.limit);
  }
}

/**
 * A running gatehouse child process.
 *   url   - base URL from the readiness line, e.g. http://127.0.0.1:41234
 *   port  - the port number
 *   stop()- SIGTERM, wait up to graceMs, then SIGKILL. Idempotent. Resolves to {code, signal,
 *           killed} where killed says whether SIGKILL was needed.
 */
export class Service {
  constructor(name, child) {
    this.name = name;
    this.child = child;
    this.url = null;
    this.port = null;
    this.stdout = new Tail(LOG_TAIL_BYTES);
    this.stderr = new Tail(LOG_TAIL_BYTES);
    this.exit = null; // {code, signal} once exited
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.exit = { code, signal };
        resolve(this.exit);
      });
      // A child that failed to spawn (ENOENT, EACCES) never emits 'exit'.
      child.once('error', () => {
        if (child.pid === undefined && !this.exit) {
          live.delete(child);
          this.exit = { code: null, signal: null, spawnFailed: true };
          resolve(this.exit);
        }
      });
    });
    this._stopping = null;
  }

  logs() {
    return (
      `----- ${this.name} stdout (tail) -----\n${this.stdout.text}\n` +
      `----- ${this.name} stderr (tail) -----\n${this.stderr.text}\n` +
      `----- end ${this.name} -----`
    );
  }

  stop({ graceMs = 5000 } = {}) {
    if (this._stopping) return this._stopping;
    this._stopping = (async () => {
      if (this.exit) return { ...this.exit, killed: false, alreadyExited: true };
      this.child.kill('SIGTERM');
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const r = await Promise.race([this.exited, timedOut]);
      clearTimeout(timer);
      if (r !== 'timeout') return { ...r, killed: false, alreadyExited: false };
      this.child.kill('SIGKILL');
      const after = await this.exited;
      return { ...after, killed: true, alreadyExited: false };
    })();
    return this._stopping;
  }
}

/**
 * Spawns `gatehouse <args...>` and resolves once it printed its readiness line on stdout.
 * Rejects (after killing the child) if it exits first or is not ready within readyTimeoutMs.
 */
export async function startService(name, args, { env, cwd, readyTimeoutMs = 15000 } = {}) {
  const bin = gatehouseBin();
  const child = spawn(bin, args, {
    cwd,
    env: env ?? hermeticEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const svc = new Service(name, child);

  let stdoutLine = '';
  let resolveReady;
  const ready = new Promise((resolve) => {
    resolveReady = resolve;
  });

  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    svc.stdout.push(chunk);
    if (VERBOSE) process.stderr.write(prefixLines(`[${name}] `, chunk));
    if (svc.url) return;
    stdoutLine += chunk;
    const m = READY_RE.exec(stdoutLine);
    if (m) {
      svc.url = m[1];
      svc.port = Number(m[2]);
      stdoutLine = '';
      resolveReady();
    } else if (stdoutLine.length > LOG_TAIL_BYTES) {
      stdoutLine = stdoutLine.slice(-1024);
    }
  });
  child.stderr.on('data', (chunk) => {
    svc.stderr.push(chunk);
    if (VERBOSE) process.stderr.write(prefixLines(`[${name}!] `, chunk));
  });

  const spawnError = new Promise((_, reject) => {
    child.once('error', (err) => reject(new Error(`${name}: failed to spawn ${bin}: ${err.message}`)));
  });
  const earlyExit = svc.exited.then((e) => {
    throw new Error(
      `${name} exited before it was ready (code=${e.code}, signal=${e.signal}).\n` +
        `command: ${bin} ${args.join(' ')}\n${svc.logs()}`,
    );
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const hint = READY_RE.test(svc.stderr.text)
        ? ' (the readiness line appeared on stderr; the contract requires stdout)'
        : '';
      reject(
        new Error(
          `${name} did not print 'listening on http://127.0.0.1:PORT' on stdout within ` +
            `${readyTimeoutMs} ms${hint}.\ncommand: ${bin} ${args.join(' ')}\n${svc.logs()}`,
        ),
      );
    }, readyTimeoutMs);
  });

  try {
    await Promise.race([ready, spawnError, earlyExit, timeout]);
  } catch (err) {
    await svc.stop({ graceMs: 1000 });
    throw err;
  } finally {
    clearTimeout(timer);
    earlyExit.catch(() => {}); // the exit after a successful start is not an error here
    spawnError.catch(() => {});
  }

  if (!(svc.port > 0 && svc.port < 65536)) {
    await svc.stop({ graceMs: 1000 });
    throw new Error(`${name} reported an invalid port in its readiness line: ${svc.url}`);
  }
  return svc;
}

function prefixLines(prefix, text) {
  return text
    .split('\n')
    .map((l, i, a) => (i === a.length - 1 && l === '' ? '' : prefix + l))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Temp dirs, mock upstreams and gateways (used by providers.test.mjs)

/**
 * A fresh temp dir with a data dir, and an environment whose HOME/XDG dirs point inside it, so
 * nothing a child writes by default leaves the dir. cleanup() removes it (unless E2E_KEEP_TMP=1).
 */
export async function makeWorkDir(prefix = 'gatehouse-e2e-') {
  const workDir = await mkdtemp(join(tmpdir(), prefix));
  const dataDir = join(workDir, 'data');
  const xdgDir = join(workDir, 'xdg');
  await mkdir(dataDir);
  await mkdir(xdgDir);
  const env = hermeticEnv({
    HOME: workDir,
    XDG_DATA_HOME: join(xdgDir, 'data'),
    XDG_CONFIG_HOME: join(xdgDir, 'config'),
    XDG_CACHE_HOME: join(xdgDir, 'cache'),
    XDG_STATE_HOME: join(xdgDir, 'state'),
  });
  return {
    workDir,
    dataDir,
    env,
    async cleanup() {
      if (process.env.E2E_KEEP_TMP === '1') {
        console.error(`E2E_KEEP_TMP=1: kept ${workDir}`);
        return;
      }
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** The upstream flavors `gatehouse mock-upstream --flavor` speaks. */
export const FLAVORS = ['openai', 'azure', 'anthropic', 'gemini'];

/** The provider `kind` in the gateway config that talks to each mock-upstream flavor. */
export const PROVIDER_KIND = {
  openai: 'openai',
  azure: 'azure-openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
};

/** The path under which each flavor serves its API: the provider's base_url is url + this. */
const FLAVOR_BASE_PATH = {
  openai: '/v1',
  azure: '',
  anthropic: '/v1',
  gemini: '/v1beta',
};

/**
 * Starts `gatehouse mock-upstream --flavor F` on 127.0.0.1:0. With apiKey, the mock rejects
 * requests without that key the way the real provider does. The returned Service has
 * `flavor` and `baseUrl` (what a gateway provider's base_url should be).
 */
export async function startMockUpstream({
  flavor = 'openai',
  apiKey,
  streamChunks,
  chunkIntervalMs,
  latencyMs,
  env,
  cwd,
  name = `mock-upstream-${flavor}`,
} = {}) {
  if (!(flavor in FLAVOR_BASE_PATH)) throw new Error(`unknown mock-upstream flavor '${flavor}'`);
  const args = ['mock-upstream', '--flavor', flavor, '--listen', '127.0.0.1:0'];
  if (apiKey !== undefined) args.push('--api-key', apiKey);
  if (streamChunks !== undefined) args.push('--stream-chunks', String(streamChunks));
  if (chunkIntervalMs !== undefined) args.push('--chunk-interval-ms', String(chunkIntervalMs));
  if (latencyMs !== undefined) args.push('--latency-ms', String(latencyMs));
  const svc = await startService(name, args, { env, cwd });
  svc.flavor = flavor;
  svc.baseUrl = svc.url + FLAVOR_BASE_PATH[flavor];
  return svc;
}

function yamlScalar(value) {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value); // a JSON string is a YAML double-quoted scalar
  if (Array.isArray(value)) return `[${value.map(yamlScalar).join(', ')}]`;
  throw new Error(`cannot write ${typeof value} as a YAML scalar`);
}

function yamlList(key, items) {
  if (!items?.length) return '';
  let out = `${key}:\n`;
  for (const item of items) {
    let first = true;
    for (const [k, v] of Object.entries(item)) {
      if (v === undefined) continue;
      const lead = first ? '  - ' : '    ';
      first = false;
      if (Array.isArray(v) && v.length && typeof v[0] === 'object') {
        out += `${lead}${k}:\n`;
        for (const sub of v) {
          let subFirst = true;
          for (const [sk, sv] of Object.entries(sub)) {
            if (sv === undefined) continue;
            out += `${subFirst ? '      - ' : '        '}${sk}: ${yamlScalar(sv)}\n`;
            subFirst = false;
          }
        }
      } else {
        out += `${lead}${k}: ${yamlScalar(v)}\n`;
      }
    }
  }
  return out;
}

/**
 * A gateway config (docs/config.md) from plain objects:
 *   providers: [{name, kind, base_url, api_key: 'env:NAME', api_version, ...}]
 *   models:    [{name, deployments: [{provider, model, weight}]}]
 *   keys:      [{name, key: 'env:NAME', tenant, models: [...]}]
 *   policy:    YAML text of the `policy:` section's body, indented by two spaces (optional)
 * Keys whose value is undefined are left out.
 */
export function gatewayConfigYaml({ providers = [], models = [], keys = [], policy = '' }) {
  return yamlList('providers', providers) + yamlList('models', models) + yamlList('keys', keys) + (policy ? `policy:\n${policy}` : '');
}

/** A policy section that answers every call with one attempt and never opens a circuit. */
export const SINGLE_ATTEMPT_POLICY = '  retry: {max_attempts: 1}\n  circuit_breaker: {consecutive_failures: 0, failure_ratio: 0}\n';

/**
 * Writes `config` (YAML text) into work.workDir and starts `gatehouse serve` on 127.0.0.1:0 with
 * work.env plus `env` (the secrets the config names as env:NAME).
 */
export async function startGateway({ work, config, env = {}, name = 'gatehouse-serve', args = [] }) {
  const configPath = join(work.workDir, `${name}.yaml`);
  await writeFile(configPath, config);
  const svc = await startService(
    name,
    ['serve', '--config', configPath, '--data', work.dataDir, '--listen', '127.0.0.1:0', ...args],
    { env: { ...work.env, ...env }, cwd: work.workDir },
  );
  svc.configPath = configPath;
  return svc;
}

/** Resolves with the first match of `re` in the service's stdout, polling until timeoutMs. */
export async function waitForStdout(svc, re, { timeoutMs = 10000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = re.exec(svc.stdout.text);
    if (m) return m;
    if (svc.exit || Date.now() > deadline) {
      throw new Error(`${svc.name}: no line matching ${re} on stdout.\n${svc.logs()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts `gatehouse serve` with the admin API on 127.0.0.1:0 as well; `svc.adminUrl` is the
 * address its "admin API listening on http://..." line names.
 */
export async function startGatewayWithAdmin({ work, config, env = {}, name = 'gatehouse-serve' }) {
  const svc = await startGateway({ work, config, env, name, args: ['--admin-listen', '127.0.0.1:0'] });
  try {
    const m = await waitForStdout(svc, /admin API listening on (http:\/\/127\.0\.0\.1:\d+)/);
    svc.adminUrl = m[1];
  } catch (err) {
    await svc.stop({ graceMs: 1000 });
    throw err;
  }
  return svc;
}

/**
 * Requests to a gateway's admin API with a token: `admin(method, path, body)` resolves with
 * {status, json, text}; `mustAdmin(expectedStatus, ...)` asserts the status (naming the request,
 * the answer and the gateway's logs) and resolves with the JSON.
 */
export function adminRequests(gateway, token) {
  async function admin(method, path, body) {
    const response = await fetch(`${gateway.adminUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  }

  async function mustAdmin(expectedStatus, method, path, body) {
    const r = await admin(method, path, body);
    assert.equal(r.status, expectedStatus, `${method} ${path}: ${r.text}\n${gateway.logs()}`);
    return r.json;
  }

  return { admin, mustAdmin };
}

/** `gatehouse admin-token create` against work.dataDir: resolves with the token it prints once. */
export async function createAdminToken(work, { name, role }) {
  const { stdout } = await execFileAsync(
    gatehouseBin(),
    ['admin-token', 'create', '--name', name, '--role', role, '--data', work.dataDir],
    { env: work.env, cwd: work.workDir, timeout: 15000 },
  );
  const m = /gat-[A-Za-z0-9]{40}/.exec(stdout);
  if (!m) throw new Error(`admin-token create printed no token:\n${stdout}`);
  return m[0];
}

/** Stops services in the given order, each bounded; reports but does not throw on failures. */
export async function stopAll(services) {
  for (const svc of services) {
    if (!svc) continue;
    try {
      await svc.stop();
    } catch (err) {
      console.error(`stopping ${svc.name}: ${err?.stack ?? err}`);
    }
  }
}

/**
 * A loopback port nothing listens on: bound by the OS, then released. (Another process could
 * take it in between; on a test machine that is unlikely, and the test would then see a
 * different error rather than hang.)
 */
export async function closedLoopbackPort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
