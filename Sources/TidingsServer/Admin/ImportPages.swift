import Foundation
import Hummingbird
import TidingsCore

/// Admin → Subscribers → Import: upload a CSV (or a ZIP holding one) with listmonk's options,
/// follow its progress (the script polls `/api/import/subscribers`; without it, reload), read
/// its log, stop it. The upload streams to disk through the same code as the API.
struct ImportPages {
    let importer: SubscriberImporter
    /// Where uploads are kept while they are imported.
    let dataDirectory: String
    let lists: ListService

    var routes: [AdminRoute] {
        [
            AdminRoute(.get, "subscribers/import", [.subscribersImport], show),
            AdminRoute(.post, "subscribers/import", [.subscribersImport], multipart: true, start),
            AdminRoute(.post, "subscribers/import/stop", [.subscribersImport], stop),
        ]
    }

    @Sendable func show(_ request: Request, context: AdminContext) async throws -> Response {
        try await page(context, notice: request.param("notice"), error: nil)
    }

    private func page(_ context: AdminContext, notice: String?, error: String?) async throws -> Response {
        let status = importer.status
        let running = status.state == .importing || status.state == .stopping
        let access = context.principal.lists
        let lists: [[String: Any]] = try await ListsPages.visibleLists(lists, context)
            .filter { access.canManage($0.id) }.map { ["id": $0.id.rawValue, "name": $0.name] }
        return context.page(
            "import", title: "Subscribers · Import",
            [
                "name": status.name.isEmpty ? "—" : status.name, "total": status.total, "imported": status.imported,
                "state": status.state.rawValue, "running": running, "log": importer.log, "lists": lists,
            ],
            status: error == nil ? .ok : .badRequest, notice: notice, error: error)
    }

    @Sendable func start(_ request: Request, context: AdminContext) async throws -> Response {
        do {
            _ = try await ImportController.begin(request, importer: importer, dataDirectory: dataDirectory) { upload in
                guard context.isValidCSRF(upload.fields.first { $0.0 == "_csrf" }?.1 ?? "") else {
                    throw TidingsError(
                        .forbidden, code: "csrf", message: "This form has expired. Reload the page and retry.")
                }
                return try ImportController.options(Self.params(from: upload.fields), for: context.principal)
            }
        } catch let error as TidingsError where [.badRequest, .forbidden, .payloadTooLarge].contains(error.kind) {
            return try await page(context, notice: nil, error: error.message)
        }
        return context.redirect("/admin/subscribers/import", notice: "Import started.")
    }

    /// The form's fields as listmonk's `params` JSON, so that both routes validate alike.
    static func params(from fields: [(String, String)]) -> String {
        let value: (String) -> String? = { name in fields.first { $0.0 == name }?.1 }
        var params: [String: JSONValue] = [
            "lists": .array(fields.filter { $0.0 == "lists" }.compactMap { Int($0.1) }.map { .number(Double($0)) }),
            "overwrite": .bool(value("overwrite") == "true"),
        ]
        if let mode = value("mode") { params["mode"] = .string(mode) }
        if let status = value("subscription_status"), !status.isEmpty {
            params["subscription_status"] = .string(status)
        }
        if let delimiter = value("delim") { params["delim"] = .string(delimiter) }
        return JSONValue.object(params).text
    }

    @Sendable func stop(_ request: Request, context: AdminContext) async throws -> Response {
        _ = importer.stop()
        return context.redirect("/admin/subscribers/import", notice: "Stopping the import.")
    }
}
