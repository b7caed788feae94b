import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// A subscriber is found by the UUID the API printed, on both databases, and the public pages
/// take UUIDs in any case.
@Suite struct UUIDLookupTests {
    static func ids(_ result: TestResult) -> [Int] {
        ((result.dataObject["results"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }
    }

    @Test("?query=subscribers.uuid='<uuid as printed>' finds the subscriber", arguments: TestBackend.enabled)
    func sqlQuery(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            var printed: [(id: Int, uuid: String)] = []
            for email in ["one@example.com", "two@example.com"] {
                let created = try await app.request(.post, "/api/subscribers", headers: admin, json: ["email": email])
                printed.append(
                    (
                        try #require(created.dataObject["id"] as? Int),
                        try #require(created.dataObject["uuid"] as? String)
                    ))
            }
            let (id, uuid) = printed[0]
            #expect(uuid == uuid.lowercased())
            func ids(_ sql: String) async throws -> [Int] {
                let encoded = sql.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let result = try await app.request(.get, "/api/subscribers?query=\(encoded)", headers: admin)
                #expect(result.status == .ok, "\(sql): \(result.body)")
                return Self.ids(result)
            }
            // As a well-known Python client looks subscribers up, and as GET /api/subscribers/{id} shows it.
            #expect(try await ids("subscribers.uuid='\(uuid)'") == [id])
            let shown = try await app.request(.get, "/api/subscribers/\(id)", headers: admin)
            #expect(try await ids("subscribers.uuid = '\(try #require(shown.dataObject["uuid"] as? String))'") == [id])
            #expect(
                try await ids("subscribers.uuid IN ('\(uuid)', '\(printed[1].uuid)')").sorted() == printed.map(\.id))
            // Written in upper case: as text, lowered, on both databases; PostgreSQL's uuid type
            // takes it as it is, and on SQLite (text) lower() on the value is enough.
            #expect(try await ids("CAST(subscribers.uuid AS TEXT) = lower('\(uuid.uppercased())')") == [id])
            if backend == .postgres {
                #expect(try await ids("subscribers.uuid = '\(uuid.uppercased())'") == [id])
            } else {
                #expect(try await ids("subscribers.uuid = lower('\(uuid.uppercased())')") == [id])
                #expect(try await ids("subscribers.uuid = '\(uuid.uppercased())'") == [])
            }
            // A list's UUID, in a subquery.
            let list = try await app.makeList("A")
            let added = try await app.request(
                .put, "/api/subscribers/lists", headers: admin,
                json: ["ids": [id], "action": "add", "target_list_ids": [list.id.rawValue]])
            #expect(added.status == .ok, "\(added.body)")
            #expect(
                try await ids(
                    "subscribers.id IN (SELECT subscriber_id FROM subscriber_lists JOIN lists ON lists.id = "
                        + "subscriber_lists.list_id WHERE lists.uuid = '\(list.uuid.uuidString.lowercased())')") == [id]
            )
            // The CSV export prints the UUID as the API does.
            let export = try await app.request(.get, "/api/subscribers/export", headers: admin)
            #expect(export.body.contains("\n\(uuid),one@example.com,"))
        }
    }

    @Test("the opt-in page takes the subscriber's and the lists' UUIDs in any case", arguments: TestBackend.enabled)
    func optinPage(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (uuid, list) = try await app.makeSubscriberAwaitingOptin(list: "Weekly")
            let listUUID = list.uuid.uuidString.lowercased()
            for (subscriber, listed) in [(uuid.uppercased(), listUUID.uppercased()), (uuid, listUUID.uppercased())] {
                let page = try await app.request(.get, "/subscription/optin/\(subscriber)?l=\(listed)")
                #expect(page.status == .ok, "\(subscriber) \(listed)")
                #expect(page.body.contains("Weekly"))
            }
            // The page's own form writes the list's UUID in lower case.
            let page = try await app.request(.get, "/subscription/optin/\(uuid.uppercased())")
            #expect(page.body.contains("value=\"\(listUUID)\""))
            let confirmed = try await app.request(
                .post, "/subscription/optin/\(uuid.uppercased())",
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "confirm=true&l=\(listUUID.uppercased())")
            #expect(confirmed.body.contains("Subscription confirmed"))
        }
    }
}
