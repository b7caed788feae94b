import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

@testable import TidingsServer

/// `GET /api/subscribers` with pages larger than a batch (`per_page=all`): streamed a batch at a
/// time, byte for byte the envelope one read would give, and a 4xx before any byte when the
/// query is refused.
@Suite struct LargePageTests {
    static let rows = 2_500

    /// The body the listing would have if `query`'s page were read and encoded at once, as a
    /// Super Admin sees it.
    static func oneRead(_ app: TestApp, _ query: SubscriberQuery, pretty: Bool = false) async throws -> String {
        let page = try await app.services.stores.subscribers.subscribers(query)
        let access = ListAccess(getAll: true, manageAll: true, grants: [:])
        let results = page.items.map { SubscriberJSON(subscriber: $0, access: access) }
        let document = Envelope(SubscribersController.page(results, query, total: page.total))
        return String(decoding: try OrderedJSONEncoder(pretty: pretty).encode(document) + [0x0A], as: UTF8.self)
    }

    static func query(
        _ order: SubscriberOrder = .id, _ direction: SortDirection = .desc,
        page: Pagination = .init(page: 1, perPage: nil),
        configure: (inout SubscriberQuery) -> Void = { _ in }
    ) -> SubscriberQuery {
        var query = SubscriberQuery()
        (query.orderBy, query.direction, query.page) = (order, direction, page)
        configure(&query)
        return query
    }

    /// The sizes of the chunks of a chunked HTTP/1.1 response, read to its end.
    static func chunkSizes(_ connection: RawHTTPConnection) -> [Int] {
        let response = connection.receive(until: "\r\n0\r\n\r\n")
        guard let start = response.range(of: "\r\n\r\n")?.upperBound else { return [] }
        var rest = Substring(response[start...]).utf8
        var sizes: [Int] = []
        while let lineEnd = rest.firstRange(of: "\r\n".utf8),
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0
        {
            sizes.append(size)
            rest = rest[lineEnd.upperBound...].dropFirst(size + 2)
        }
        return sizes
    }

    @Test(
        "a page larger than a batch is streamed in batches, byte for byte what one read gives, in every order",
        arguments: TestBackend.enabled)
    func streamed(backend: TestBackend) async throws {
        try await TestApp.run(backend, setup: .live) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            try await VariedSubscribers.insert(Self.rows, list: list.id, engine: app.services.engine)
            let expression = try FilterExpression("subscribers.status <> 'disabled'")
            let cases: [(String, SubscriberQuery)] = [
                ("per_page=all", Self.query()),
                ("per_page=-1&order=asc", Self.query(.id, .asc, page: .init(page: 1, perPage: nil))),
                ("per_page=all&order_by=name&order=asc", Self.query(.name, .asc)),
                ("per_page=all&order_by=email", Self.query(.email)),
                ("per_page=all&order_by=status&order=asc", Self.query(.status, .asc)),
                ("per_page=all&order_by=created_at", Self.query(.createdAt)),
                ("per_page=all&order_by=updated_at&order=asc", Self.query(.updatedAt, .asc)),
                ("per_page=1200&page=2&order_by=name", Self.query(.name, page: .init(page: 2, perPage: 1_200))),
                ("per_page=all&list_id=\(list.id.rawValue)", Self.query { $0.lists = [list.id] }),
                ("per_page=all&search=name%201", Self.query { $0.search = "name 1" }),
                (
                    "per_page=all&order_by=created_at&query=subscribers.status%20%3C%3E%20%27disabled%27",
                    Self.query(.createdAt) { $0.expression = expression }
                ),
            ]
            for (parameters, query) in cases {
                let response = try await app.request(.get, "/api/subscribers?\(parameters)", headers: admin)
                #expect(response.status == .ok, "\(parameters): \(response.body.prefix(200))")
                #expect(response.headers[.contentLength] == nil, "\(parameters) was not streamed")
                let expected = try await Self.oneRead(app, query)
                #expect(response.body == expected, "\(parameters)")
                #expect(response.body.utf8.count > 100_000)
            }
            let pretty = try await app.request(.get, "/api/subscribers?per_page=all&pretty", headers: admin)
            #expect(pretty.headers[.contentLength] == nil)
            #expect(pretty.body == (try await Self.oneRead(app, Self.query(), pretty: true)))
            // Nothing to stream: the empty page, as ever.
            let none = try await app.request(.get, "/api/subscribers?per_page=all&search=nobody", headers: admin)
            #expect(none.body == (try await Self.oneRead(app, Self.query { $0.search = "nobody" })))

            // On the wire: one chunk with the head and the first batch, one per further batch, the tail.
            let connection = try RawHTTPConnection(port: try #require(app.client.port), timeout: 10)
            try connection.send(
                "GET /api/subscribers?per_page=all HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: \(admin[.authorization] ?? "")\r\n\r\n")
            #expect(Self.chunkSizes(connection).count == 4)
        }
    }

    @Test(
        "a refused or endless query on a large page is a 400 before any byte of the body",
        arguments: TestBackend.enabled)
    func refusedFirst(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await VariedSubscribers.insert(20, engine: app.services.engine)
            let endless =
                "subscribers.id IN (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0)"
            for (expression, code) in [("nonsense garbage", "invalid_query"), (endless, "query_timeout")] {
                let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
                let response = try await app.request(
                    .get, "/api/subscribers?per_page=all&query=\(encoded)", headers: admin)
                #expect(response.status == .badRequest, "\(expression)")
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.code == code, "\(response.body)")
            }
        }
    }
}
