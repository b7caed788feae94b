import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TidingsCore

/// `GET /api/subscribers/export` (CSV, streamed, gzip on request) and
/// `GET /api/subscribers/{id}/export` (one subscriber's data as JSON).
struct SubscriberExportController {
    let subscribers: SubscriberService

    var routes: [APIRoute] {
        let read = APIRoute.Requirement.anyOf([.subscribersGetAll, .subscribersGet])
        return [
            APIRoute(.get, "subscribers/export", read, exportCSV),
            APIRoute(.get, "subscribers/:id/export", read, exportOne),
        ]
    }

    /// The CSV's columns, as listmonk writes them.
    static let header = "uuid,email,name,attributes,status,created_at,updated_at\n"

    /// Streams the subscribers the caller may see that match the listing's filters (and
    /// repeated `id`s), a batch at a time, so memory stays flat at any size. The first batch is
    /// read before the response starts, so a refused or timed-out query is a 4xx JSON error, not
    /// a cut-off CSV. Unlike listmonk, the header row is written even when nothing matches.
    @Sendable func exportCSV(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var (query, lists) = try SubscribersController.filters(of: request, context: context)
        let ids = try request.ids()
        if !ids.isEmpty { query.ids = Set(ids.map { SubscriberID($0) }) }
        let gzip = request.headers[.acceptEncoding].map(Self.acceptsGzip) ?? false
        var headers: HTTPFields = [
            .contentType: "text/csv", .contentDisposition: "attachment; filename=subscribers.csv",
            .cacheControl: "no-cache", .vary: "Accept-Encoding",
        ]
        headers[HTTPField.Name("Content-Transfer-Encoding")!] = "binary"
        if gzip { headers[.contentEncoding] = "gzip" }
        var reader = try subscribers.export(query, requestedLists: lists, for: context.principal)
        let first = try await reader.next() ?? []
        let (rest, logger) = (reader, context.logger)
        let body = ResponseBody { writer in
            var output = CSVOutput(gzip: gzip)
            var rest = rest
            try await writer.write(try output.chunk(Self.header + first.map(Self.row).joined()))
            try await rest.drain(logger: logger) { batch in
                try await writer.write(try output.chunk(batch.map(Self.row).joined()))
            }
            try await writer.write(try output.finish())
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// One subscriber's data, as listmonk's download: a bare, indented JSON document with no
    /// trailing newline. Names of lists that are not public are replaced.
    @Sendable func exportOne(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let subscriber = try await subscribers.subscriber(
            SubscriberID(try context.id()), for: context.principal)
        var text = String(
            decoding: try OrderedJSONEncoder(pretty: true).encode(SubscriberDataJSON(subscriber)), as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json", .contentDisposition: "attachment; filename=\"data.json\"",
                .cacheControl: "no-cache",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `gzip` among the codings of an `Accept-Encoding` header, not refused with `q=0`.
    static func acceptsGzip(_ header: String) -> Bool {
        header.split(separator: ",").contains { coding in
            let parts = coding.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.first?.lowercased() == "gzip" else { return false }
            return !parts.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" }
        }
    }

    /// One CSV line of a subscriber, in listmonk's columns and time format.
    static func row(_ subscriber: SubscriberRow) -> String {
        [
            subscriber.uuid.lowercasedText, subscriber.email, subscriber.name,
            subscriber.attributesJSON, subscriber.status.rawValue,
            Timestamp.goString(subscriber.createdAt), Timestamp.goString(subscriber.updatedAt),
        ].map(csvField).joined(separator: ",") + "\n"
    }

    /// A field neutralised when a spreadsheet would run it as a formula, then quoted when it
    /// must be (as Go's `encoding/csv` decides), quotes doubled.
    static func csvField(_ text: String) -> String {
        let value = CSVCell.neutralised(text)
        let needsQuotes =
            CSVCell.holdsSeparator(value) || value.unicodeScalars.first == " " || value.unicodeScalars.first == "\t"
        guard needsQuotes else { return value }
        return CSVCell.quoted(value)
    }
}

/// The export's text, gzip-compressed as one stream when asked.
private struct CSVOutput {
    private let compressor: (any NIOCompressor)?

    init(gzip: Bool) {
        if gzip {
            let compressor = CompressionAlgorithm.gzip().compressor
            try? compressor.startStream()
            self.compressor = compressor
        } else {
            compressor = nil
        }
    }

    mutating func chunk(_ text: String) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: text)
        guard let compressor else { return buffer }
        return try compress(&buffer, with: compressor, flush: .sync)
    }

    mutating func finish() throws -> ByteBuffer {
        guard let compressor else { return ByteBuffer() }
        var empty = ByteBuffer()
        let tail = try compress(&empty, with: compressor, flush: .finish)
        try compressor.finishStream()
        return tail
    }

    /// Compresses all of `input`, growing the output buffer until zlib has room for it.
    private func compress(
        _ input: inout ByteBuffer, with compressor: any NIOCompressor, flush: CompressNIOFlush
    )
        throws -> ByteBuffer
    {
        var output = ByteBuffer()
        output.reserveCapacity(compressor.maxSize(from: input) + 64)
        while true {
            do {
                try input.compressStream(to: &output, with: compressor, flush: flush)
                if input.readableBytes == 0 { return output }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                output.reserveCapacity(output.capacity * 2)
            }
        }
    }
}

/// The per-subscriber export (listmonk's `data.json`): profile, subscriptions, and the campaign
/// views and link clicks that come with campaigns (empty until then).
private struct SubscriberDataJSON: Encodable, Sendable {
    let subscriber: Subscriber

    init(_ subscriber: Subscriber) { self.subscriber = subscriber }

    struct Profile: Encodable, Sendable {
        let id: Int
        let uuid: String
        let email: String
        let name: String
        let attribs: JSONValue
        let status: String
        let created_at: String
        let updated_at: String
    }

    struct SubscriptionEntry: Encodable, Sendable {
        let subscription_status: String
        let name: String
        let type: String
        let created_at: String
    }

    enum CodingKeys: String, CodingKey { case profile, subscriptions, campaign_views, link_clicks }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let profile = Profile(
            id: subscriber.id.rawValue, uuid: subscriber.uuid.lowercasedText, email: subscriber.email,
            name: subscriber.name, attribs: .object(subscriber.attributes), status: subscriber.status.rawValue,
            created_at: Timestamp.postgresJSON(subscriber.createdAt),
            updated_at: Timestamp.postgresJSON(subscriber.updatedAt))
        try container.encode([profile], forKey: .profile)
        try container.encode(
            subscriber.subscriptions.map { subscription in
                SubscriptionEntry(
                    subscription_status: subscription.status.rawValue,
                    name: subscription.list.type == .public ? subscription.list.name : "Private list",
                    type: subscription.list.type.rawValue,
                    created_at: Timestamp.postgresJSON(subscription.createdAt))
            }, forKey: .subscriptions)
        try container.encode([JSONValue](), forKey: .campaign_views)
        try container.encode([JSONValue](), forKey: .link_clicks)
    }
}
