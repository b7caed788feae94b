import Foundation
import Hummingbird
import Logging
import MultipartKit
import NIOCore
import TidingsCore
import ZIPFoundation

/// `/api/import/subscribers`: upload a CSV (or a ZIP holding one) with
/// its parameters, follow the import, read its log, stop it. The upload is streamed to a file
/// as it arrives: the file is never held in memory.
struct ImportController {
    let configuration: TidingsConfiguration
    let importer: SubscriberImporter

    /// The largest upload accepted.
    static let maximumUploadBytes = 2 << 30

    var routes: [APIRoute] {
        let permission = APIRoute.Requirement.anyOf([.subscribersImport])
        return [
            APIRoute(.get, "import/subscribers", permission, status),
            APIRoute(.get, "import/subscribers/logs", permission, logs),
            APIRoute(.post, "import/subscribers", permission, start),
            APIRoute(.delete, "import/subscribers", permission, stop),
        ]
    }

    /// The import status in listmonk's shape.
    struct StatusJSON: Encodable, Sendable {
        let name: String
        let total: Int
        let imported: Int
        let status: String

        init(_ status: ImportStatus) {
            name = status.name
            total = status.total
            imported = status.imported
            self.status = status.state.rawValue
        }
    }

    @Sendable func status(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try ok(StatusJSON(importer.status), request)
    }

    @Sendable func logs(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try ok(importer.log, request)
    }

    @Sendable func stop(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try ok(StatusJSON(importer.stop()), request)
    }

    /// Checks in listmonk's order: an import already running, the parameters, the lists the
    /// caller may manage, mode, status, delimiter, then the file.
    @Sendable func start(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (status, name) = try await Self.begin(
            request, importer: importer, dataDirectory: configuration.dataDirectory
        ) { upload in
            try Self.options(upload.params, for: context.principal)
        }
        context.audit?.target = ("import", name)
        return try ok(StatusJSON(status), request)
    }

    /// Receives an upload and starts importing it, with the options `options` reads from the
    /// upload's fields (and may refuse). Nothing is left behind when anything fails. Shared by
    /// the API and the admin page; answers the status and the file's name.
    static func begin(
        _ request: Request, importer: SubscriberImporter, dataDirectory: String,
        options: (Upload) throws -> ImportOptions
    ) async throws -> (ImportStatus, String) {
        try importer.reserve(name: "")
        var upload: Upload?
        do {
            let received = try await Upload.receive(request, into: dataDirectory)
            upload = received
            let options = try options(received)
            guard let file = received.file else {
                throw TidingsError.badRequest("Invalid file: http: no such file", code: "invalid_file")
            }
            let csv = try Self.csv(from: file, named: received.fileName)
            if csv != file { try? FileManager.default.removeItem(at: file) }
            importer.start(file: csv, name: received.fileName, options: options)
            return (importer.status, received.fileName)
        } catch {
            importer.release()
            if let file = upload?.file { try? FileManager.default.removeItem(at: file) }
            throw error
        }
    }

    /// listmonk's import parameters, validated.
    struct Params: Decodable {
        var mode: String?
        var subscription_status: String?
        var delim: String?
        var lists: [Int]?
        var overwrite: Bool?
        var overwrite_userinfo: Bool?
        var overwrite_subscription_status: Bool?
    }

    static func options(_ raw: String?, for principal: Principal) throws -> ImportOptions {
        let params: Params
        do {
            params = try JSONDecoder().decode(Params.self, from: Data((raw ?? "").utf8))
        } catch {
            let reason = (raw ?? "").isEmpty ? "unexpected end of JSON input" : "the parameters are not valid JSON"
            throw TidingsError.badRequest("Invalid params: \(reason)", code: "invalid_params")
        }
        let mode = params.mode.flatMap(ImportMode.init(rawValue:))
        var lists = (params.lists ?? []).map { ListID($0) }
        if let manageable = principal.lists.manageableLists { lists = lists.filter(manageable.contains) }
        if lists.isEmpty, mode != .blocklist {
            throw TidingsError(.forbidden, code: "permission_denied", message: "Permission denied: lists")
        }
        guard let mode else { throw TidingsError.badRequest("Invalid mode", code: "invalid_params") }
        let status: SubscriptionStatus
        if let raw = params.subscription_status, !raw.isEmpty {
            guard let parsed = SubscriptionStatus(rawValue: raw) else {
                throw TidingsError.badRequest("Invalid subscription status", code: "invalid_params")
            }
            status = parsed
        } else {
            status = mode == .blocklist ? .unsubscribed : .unconfirmed
        }
        let delimiter = params.delim ?? ","
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte != UInt8(ascii: "\"") else {
            throw TidingsError.badRequest("Delimiter should be a single character.", code: "invalid_params")
        }
        let overwrite = params.overwrite ?? false
        return ImportOptions(
            mode: mode, subscriptionStatus: status, delimiter: byte, lists: lists,
            overwriteUserInfo: params.overwrite_userinfo ?? overwrite,
            overwriteSubscriptionStatus: params.overwrite_subscription_status ?? overwrite,
            scope: principal.lists.manageableLists)
    }

    /// The CSV to import: the upload itself, or the first `.csv` inside it when it is a ZIP.
    static func csv(from file: URL, named name: String) throws -> URL {
        if name.lowercased().hasSuffix(".csv") { return file }
        let invalid = TidingsError.badRequest(
            "Invalid file: expected a .csv file or a ZIP holding one", code: "invalid_file")
        let archive: Archive
        do { archive = try Archive(url: file, accessMode: .read) } catch { throw invalid }
        guard let entry = archive.first(where: { $0.type == .file && $0.path.lowercased().hasSuffix(".csv") })
        else { throw invalid }
        let extracted = file.appendingPathExtension("csv")
        do { _ = try archive.extract(entry, to: extracted) } catch { throw invalid }
        return extracted
    }
}

/// A multipart upload read as it streams in: the small `params` part kept in memory, the `file`
/// part written to a file in the data directory.
struct Upload {
    /// The small parts (everything but `file`), in order.
    var fields: [(String, String)] = []
    var file: URL?
    var fileName = ""

    /// listmonk's `params` part: the import's parameters as JSON.
    var params: String? { fields.first { $0.0 == "params" }?.1 }

    static func receive(_ request: Request, into dataDirectory: String) async throws -> Upload {
        guard let contentType = request.headers[.contentType],
            contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = Self.parameter("boundary", in: contentType)
        else {
            throw TidingsError.badRequest("Invalid file: expected a multipart/form-data upload", code: "invalid_file")
        }
        let directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("imports")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let receiver = Receiver(directory: directory)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in receiver.header(name, value) }
        parser.onBody = { buffer in receiver.body(&buffer) }
        parser.onPartComplete = { receiver.partComplete() }
        var received = 0
        do {
            for try await buffer in request.body {
                received += buffer.readableBytes
                guard received <= ImportController.maximumUploadBytes else {
                    throw TidingsError(.payloadTooLarge, code: "payload_too_large", message: "request body too large")
                }
                try parser.execute(buffer)
                if let error = receiver.error { throw error }
            }
        } catch {
            receiver.discard()
            if error is TidingsError { throw error }
            throw TidingsError.badRequest("Invalid file: the multipart body is malformed", code: "invalid_file")
        }
        receiver.closeFile()
        return Upload(fields: receiver.fields, file: receiver.file, fileName: receiver.fileName)
    }

    /// Removes uploads left behind by a process that was killed mid-import (older than `age`
    /// seconds, so that another instance sharing the data directory keeps its own).
    static func sweep(dataDirectory: String, olderThan age: TimeInterval, logger: Logger) {
        let directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("imports")
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix("import-") {
            let path = directory.appendingPathComponent(name).path
            guard let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                Date().timeIntervalSince(modified) > age
            else { continue }
            try? manager.removeItem(atPath: path)
            logger.notice("removed an upload left by an interrupted import", metadata: ["file": "\(name)"])
        }
    }

    /// A `key=value` parameter of a header value (`boundary=…`, `name="…"`), unquoted.
    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix(key + "=") else { continue }
            var value = String(pair.dropFirst(key.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }

    /// The parser's callbacks' state, for one request (the parser calls it synchronously).
    private final class Receiver {
        let directory: URL
        var fields: [(String, String)] = []
        var file: URL?
        var fileName = ""
        var error: TidingsError?
        private var part: String?
        private var fieldBytes: [UInt8] = []
        private var fieldTotal = 0
        private var handle: FileHandle?

        init(directory: URL) { self.directory = directory }

        func header(_ name: String, _ value: String) {
            guard name.lowercased() == "content-disposition" else { return }
            part = Upload.parameter("name", in: value)
            if part == "file" {
                fileName =
                    (Upload.parameter("filename", in: value) ?? "upload.csv")
                    .split(separator: "/").last.map(String.init) ?? "upload.csv"
                let url = directory.appendingPathComponent("import-\(UUID().uuidString)")
                _ = FileManager.default.createFile(
                    atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
                handle = try? FileHandle(forWritingTo: url)
                file = url
            }
        }

        func body(_ buffer: inout ByteBuffer) {
            switch part {
            case "file":
                handle?.write(Data(buffer.readableBytesView))
            case .some:
                fieldTotal += buffer.readableBytes
                guard fieldTotal <= 64 * 1024 else {
                    error = TidingsError.badRequest("Invalid params: larger than 64 KiB", code: "invalid_params")
                    return
                }
                fieldBytes += buffer.readableBytesView
            case nil:
                break
            }
        }

        func partComplete() {
            if part == "file" {
                closeFile()
            } else if let part {
                fields.append((part, String(decoding: fieldBytes, as: UTF8.self)))
            }
            fieldBytes = []
            part = nil
        }

        func closeFile() {
            try? handle?.close()
            handle = nil
        }

        func discard() {
            closeFile()
            if let file { try? FileManager.default.removeItem(at: file) }
            file = nil
        }
    }
}
