// The Charter extension: the language's grammar and configuration are in
// package.json; this client starts `charter lsp` for diagnostics, hover,
// definition, references, completion, rename, formatting and tests.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;
let output;

function serverOptions() {
  const command = vscode.workspace.getConfiguration('charter').get('path') || 'charter';
  return { command, args: ['lsp'] };
}

async function start() {
  client = new LanguageClient('charter', 'Charter', serverOptions(), {
    documentSelector: [{ language: 'charter' }],
    outputChannel: output,
    // A .charter file changed on disk changes the load sets holding it.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.charter') },
  });
  await client.start();
}

async function activate(context) {
  output = vscode.window.createOutputChannel('Charter');
  context.subscriptions.push(output);

  // The server's charter.runTests command (what the code lenses call) is
  // registered by the client library; this one runs the open file's tests
  // and lists the outcome.
  context.subscriptions.push(vscode.commands.registerCommand('charter.runFileTests', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'charter') {
      vscode.window.showWarningMessage('Open a .charter file to run its tests.');
      return;
    }
    try {
      const run = await client.sendRequest('workspace/executeCommand', {
        command: 'charter.runTests',
        arguments: [editor.document.uri.toString()],
      });
      output.appendLine(`charter test ${editor.document.uri.fsPath}`);
      for (const r of run.results) {
        output.appendLine(r.passed ? `ok   ${r.community}/"${r.name}"` : `FAIL ${r.community}/"${r.name}": ${r.failure}`);
      }
      output.appendLine(run.summary);
      output.show(true);
    } catch (err) {
      vscode.window.showErrorMessage(`charter test: ${err.message}`);
    }
  }));

  context.subscriptions.push(vscode.commands.registerCommand('charter.restartServer', async () => {
    if (client) {
      await client.stop();
    }
    await start();
  }));

  try {
    await start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `Could not start "${serverOptions().command} lsp": ${err.message}. Install charter (go install github.com/charterlang/charter/cmd/charter@latest) or set charter.path.`);
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
