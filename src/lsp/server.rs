//! The server's loop: the handshake, then each message in turn until the
//! client asks it to shut down and exit.

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response, ResponseError};
use lsp_types::{
    CodeLens, CodeLensOptions, Command, CompletionOptions, CompletionResponse,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, DocumentSymbolParams, DocumentSymbolResponse, ExecuteCommandOptions,
    ExecuteCommandParams, GotoDefinitionParams, Hover, HoverContents, HoverParams,
    HoverProviderCapability, Location, MarkupContent, MarkupKind, OneOf, PublishDiagnosticsParams,
    ReferenceParams, RenameParams, ServerCapabilities, TextEdit, Uri, WorkspaceEdit,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::document::{Document, Documents};
use super::{completion, diagnostics, hover, lenses, navigation, position, rename, symbols};

/// Serves one client over standard input and output until it exits.
/// An error is a broken connection (the client went away mid-message, or
/// sent something that is not the protocol).
pub fn run() -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    let capabilities = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let client = connection
        .initialize(capabilities)
        .map_err(|e| e.to_string())?;
    // Lenses are asked for again after a run only by a client that says
    // it can be told to.
    let refresh = client
        .pointer("/capabilities/workspace/codeLens/refreshSupport")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    serve(&connection, refresh)?;
    // The connection must be dropped before the threads can end.
    drop(connection);
    io.join().map_err(|e| e.to_string())
}

/// What the server offers.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(lsp_types::TextDocumentSyncCapability::Kind(
            lsp_types::TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into()]),
            ..Default::default()
        }),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![lenses::RUN_EXAMPLE.into()],
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The diagnostics of a document, as published.
pub fn publish(document: &Document, uri: &Uri) -> PublishDiagnosticsParams {
    PublishDiagnosticsParams {
        uri: uri.clone(),
        diagnostics: diagnostics::all(&document.analysis.checked.diagnostics, &document.text, uri),
        version: Some(document.version),
    }
}

fn serve(connection: &Connection, refresh: bool) -> Result<(), String> {
    let mut documents = Documents::default();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let id = request.id.clone();
                let response = match answer(&mut documents, request, connection, refresh) {
                    Ok(result) => Response::new_ok(id, result),
                    Err(error) => Response {
                        id,
                        result: None,
                        error: Some(error),
                    },
                };
                send(connection, response.into())?;
            }
            Message::Notification(n) => {
                if let Some(published) = notice(&mut documents, n) {
                    let note =
                        Notification::new("textDocument/publishDiagnostics".into(), published);
                    send(connection, note.into())?;
                }
            }
            // The server sends no requests that need an answer.
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|e| format!("the client went away: {e}"))
}

/// A request's parameters, or the protocol's error for ones that are not.
fn params<T: DeserializeOwned>(request: Request) -> Result<T, ResponseError> {
    serde_json::from_value(request.params).map_err(|e| ResponseError {
        code: ErrorCode::InvalidParams as i32,
        message: format!("{}: {e}", request.method),
        data: None,
    })
}

fn refused(message: String) -> ResponseError {
    ResponseError {
        code: ErrorCode::InvalidParams as i32,
        message,
        data: None,
    }
}

fn json<T: serde::Serialize>(value: T) -> Result<Value, ResponseError> {
    serde_json::to_value(value).map_err(|e| ResponseError {
        code: ErrorCode::InternalError as i32,
        message: e.to_string(),
        data: None,
    })
}

fn document<'a>(documents: &'a Documents, uri: &Uri) -> Result<&'a Document, ResponseError> {
    documents
        .get(uri)
        .ok_or_else(|| refused(format!("{} is not open", uri.as_str())))
}

/// The answer to one request.
fn answer(
    documents: &mut Documents,
    request: Request,
    connection: &Connection,
    refresh: bool,
) -> Result<Value, ResponseError> {
    match request.method.as_str() {
        "textDocument/hover" => {
            let p: HoverParams = params(request)?;
            let uri = &p.text_document_position_params.text_document.uri;
            let doc = document(documents, uri)?;
            let offset = doc.offset(p.text_document_position_params.position);
            json(
                hover::hover(&doc.analysis, &doc.text, offset, today()).map(|(value, span)| {
                    Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value,
                        }),
                        range: Some(position::range(&doc.text, span)),
                    }
                }),
            )
        }
        "textDocument/definition" => {
            let p: GotoDefinitionParams = params(request)?;
            let uri = p.text_document_position_params.text_document.uri;
            let doc = document(documents, &uri)?;
            let offset = doc.offset(p.text_document_position_params.position);
            let found = navigation::definition(&doc.analysis.index, offset);
            json(locations(doc, &uri, &found))
        }
        "textDocument/references" => {
            let p: ReferenceParams = params(request)?;
            let uri = p.text_document_position.text_document.uri;
            let doc = document(documents, &uri)?;
            let offset = doc.offset(p.text_document_position.position);
            let found =
                navigation::references(&doc.analysis.index, offset, p.context.include_declaration);
            json(locations(doc, &uri, &found))
        }
        "textDocument/rename" => {
            let p: RenameParams = params(request)?;
            let uri = p.text_document_position.text_document.uri;
            let doc = document(documents, &uri)?;
            let offset = doc.offset(p.text_document_position.position);
            let edits = rename::rename(&doc.analysis.index, offset, &p.new_name)
                .map_err(|r| refused(r.0))?;
            let edits: Vec<TextEdit> = edits
                .into_iter()
                .map(|(span, new_text)| TextEdit {
                    range: position::range(&doc.text, span),
                    new_text,
                })
                .collect();
            json(WorkspaceEdit {
                changes: Some([(uri, edits)].into_iter().collect()),
                ..Default::default()
            })
        }
        "textDocument/formatting" => {
            let p: DocumentFormattingParams = params(request)?;
            let doc = document(documents, &p.text_document.uri)?;
            // A text that does not parse has no canonical layout: no edits
            // (its diagnostics say why).
            let edits = match crate::format::format_source(&doc.text) {
                Ok(formatted) if formatted != doc.text => vec![TextEdit {
                    range: position::range(&doc.text, crate::span::Span::new(0, doc.text.len())),
                    new_text: formatted,
                }],
                _ => Vec::new(),
            };
            json(edits)
        }
        "textDocument/completion" => {
            let p: lsp_types::CompletionParams = params(request)?;
            let doc = document(documents, &p.text_document_position.text_document.uri)?;
            let offset = doc.offset(p.text_document_position.position);
            json(CompletionResponse::Array(completion::complete(
                &doc.analysis,
                &doc.text,
                offset,
            )))
        }
        "textDocument/documentSymbol" => {
            let p: DocumentSymbolParams = params(request)?;
            let doc = document(documents, &p.text_document.uri)?;
            let outline = doc
                .analysis
                .book
                .as_ref()
                .map(|b| symbols::outline(b, &doc.text))
                .unwrap_or_default();
            json(DocumentSymbolResponse::Nested(outline))
        }
        "textDocument/codeLens" => {
            let p: lsp_types::CodeLensParams = params(request)?;
            let uri = p.text_document.uri;
            let doc = document(documents, &uri)?;
            let Some(program) = &doc.analysis.checked.program else {
                return json(Vec::<CodeLens>::new());
            };
            let found = lenses::lenses(program, |name| doc.runs.get(name).map(String::as_str));
            let lenses: Vec<CodeLens> = found
                .into_iter()
                .map(|(name, span, title)| CodeLens {
                    range: position::range(
                        &doc.text,
                        crate::span::Span::new(span.start, span.start),
                    ),
                    command: Some(Command {
                        title,
                        command: lenses::RUN_EXAMPLE.into(),
                        arguments: Some(vec![
                            Value::String(uri.as_str().into()),
                            Value::String(name),
                        ]),
                    }),
                    data: None,
                })
                .collect();
            json(lenses)
        }
        "workspace/executeCommand" => {
            let p: ExecuteCommandParams = params(request)?;
            if p.command != lenses::RUN_EXAMPLE {
                return Err(refused(format!("no command `{}`", p.command)));
            }
            let [uri, name] = p.arguments.as_slice() else {
                return Err(refused(format!(
                    "{} takes a document and an example's name",
                    lenses::RUN_EXAMPLE
                )));
            };
            let (Some(uri), Some(name)) = (uri.as_str(), name.as_str()) else {
                return Err(refused(format!(
                    "{} takes a document and an example's name",
                    lenses::RUN_EXAMPLE
                )));
            };
            let uri: Uri = uri
                .parse()
                .map_err(|_| refused(format!("`{uri}` is not a URI")))?;
            let doc = documents
                .get_mut(&uri)
                .ok_or_else(|| refused(format!("{} is not open", uri.as_str())))?;
            let Some(program) = &doc.analysis.checked.program else {
                return Err(refused(
                    "the rulebook has errors: fix them to run its examples".into(),
                ));
            };
            let outcome = lenses::run(program, name)
                .ok_or_else(|| refused(format!("there is no example \"{name}\"")))?;
            doc.runs.insert(name.to_string(), outcome.clone());
            // The lens shows the outcome once the client asks again.
            if refresh {
                // A client that has gone away is seen by the loop.
                let _ = connection.sender.send(
                    Request::new(
                        lsp_server::RequestId::from(format!("refresh-{name}")),
                        "workspace/codeLens/refresh".into(),
                        Value::Null,
                    )
                    .into(),
                );
            }
            json(outcome)
        }
        method => Err(ResponseError {
            code: ErrorCode::MethodNotFound as i32,
            message: format!("rochdale lsp does not answer {method}"),
            data: None,
        }),
    }
}

fn locations(doc: &Document, uri: &Uri, spans: &[crate::span::Span]) -> Vec<Location> {
    spans
        .iter()
        .map(|s| Location {
            uri: uri.clone(),
            range: position::range(&doc.text, *s),
        })
        .collect()
}

/// Acts on a notification; the diagnostics to publish when a document
/// was opened or changed.
fn notice(documents: &mut Documents, n: Notification) -> Option<PublishDiagnosticsParams> {
    match n.method.as_str() {
        "textDocument/didOpen" => {
            let p: DidOpenTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let uri = p.text_document.uri;
            let doc = documents.open(uri.clone(), p.text_document.text, p.text_document.version);
            Some(publish(doc, &uri))
        }
        "textDocument/didChange" => {
            let p: DidChangeTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let uri = p.text_document.uri;
            let doc = documents.get_mut(&uri)?;
            doc.change(p.text_document.version, p.content_changes);
            Some(publish(doc, &uri))
        }
        "textDocument/didClose" => {
            let p: DidCloseTextDocumentParams = serde_json::from_value(n.params).ok()?;
            documents.close(&p.text_document.uri);
            // A closed document's diagnostics are cleared.
            Some(PublishDiagnosticsParams {
                uri: p.text_document.uri,
                diagnostics: Vec::new(),
                version: None,
            })
        }
        _ => None,
    }
}

/// Today's date (UTC), for the values of dated parameters in force.
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
