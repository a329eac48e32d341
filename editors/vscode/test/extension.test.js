// Tests of extension.js without VS Code: the vscode module and the
// language client are stubs that record what the extension asks of them.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const Module = require('node:module');

function load(config) {
  const calls = { clients: [], commands: {}, requests: [], errors: [], output: [] };
  const vscode = {
    workspace: {
      getConfiguration: (section) => ({ get: (key) => (section === 'charter' ? config[key] : undefined) }),
      createFileSystemWatcher: (glob) => ({ glob }),
    },
    window: {
      createOutputChannel: () => ({ appendLine: (l) => calls.output.push(l), show: () => {}, dispose: () => {} }),
      showErrorMessage: (m) => calls.errors.push(m),
      showWarningMessage: (m) => calls.errors.push(m),
      activeTextEditor: undefined,
    },
    commands: { registerCommand: (name, fn) => { calls.commands[name] = fn; return { dispose: () => {} }; } },
  };
  class LanguageClient {
    constructor(id, name, server, options) {
      Object.assign(this, { id, name, server, options, started: false });
      calls.clients.push(this);
    }
    async start() { this.started = true; }
    async stop() { this.started = false; }
    async sendRequest(method, params) {
      calls.requests.push({ method, params });
      return { results: [{ community: 'A', name: 't', passed: false, failure: 'x' }], summary: '0 passed, 1 failed' };
    }
  }
  const original = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return { LanguageClient };
    return original.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[require.resolve('../extension.js')];
    return { ext: require('../extension.js'), vscode, calls };
  } finally {
    Module._load = original;
  }
}

test('activate starts charter lsp for charter documents', async () => {
  const { ext, calls } = load({});
  await ext.activate({ subscriptions: [] });
  assert.strictEqual(calls.clients.length, 1);
  const c = calls.clients[0];
  assert.deepStrictEqual(c.server, { command: 'charter', args: ['lsp'] });
  assert.deepStrictEqual(c.options.documentSelector, [{ language: 'charter' }]);
  assert.strictEqual(c.options.synchronize.fileEvents.glob, '**/*.charter');
  assert.ok(c.started);
  assert.ok(calls.commands['charter.runFileTests']);
  assert.ok(calls.commands['charter.restartServer']);
});

test('charter.path names the command', async () => {
  const { ext, calls } = load({ path: '/opt/bin/charter' });
  await ext.activate({ subscriptions: [] });
  assert.strictEqual(calls.clients[0].server.command, '/opt/bin/charter');
});

test('runFileTests asks the server to run the open file\'s tests', async () => {
  const { ext, vscode, calls } = load({});
  await ext.activate({ subscriptions: [] });
  vscode.window.activeTextEditor = { document: { languageId: 'charter', uri: { toString: () => 'file:///x/a.charter', fsPath: '/x/a.charter' } } };
  await calls.commands['charter.runFileTests']();
  assert.deepStrictEqual(calls.requests, [{ method: 'workspace/executeCommand', params: { command: 'charter.runTests', arguments: ['file:///x/a.charter'] } }]);
  assert.ok(calls.output.includes('FAIL A/"t": x'));
  assert.ok(calls.output.includes('0 passed, 1 failed'));
});

test('restartServer starts a new client', async () => {
  const { ext, calls } = load({});
  await ext.activate({ subscriptions: [] });
  await calls.commands['charter.restartServer']();
  assert.strictEqual(calls.clients.length, 2);
  assert.ok(!calls.clients[0].started && calls.clients[1].started);
});
