// The Rochdale extension: starts `rochdale lsp` (the binary named by the
// `rochdale.path` setting) and hands it the .coop files. Everything the
// editor shows beyond highlighting comes from the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("rochdale").get("path") || "rochdale";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "rochdale",
    "Rochdale",
    { run: server, debug: server },
    { documentSelector: [{ language: "rochdale" }] }
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("rochdale.path")) {
        vscode.window.showInformationMessage("Rochdale: reload the window to use the new rochdale.path.");
      }
    })
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
