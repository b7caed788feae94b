import CompressNIO
import Foundation
import HTTPTypes
import NIOCore
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// `GET /api/subscribers/export` and `GET /api/subscribers/{id}/export`.
@Suite struct SubscriberExportTests {
    @Test(
        "CSV: listmonk's columns and quoting, filters, batches in id order, gzip on request",
        arguments: TestBackend.enabled)
    func csv(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            let tricky = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: [
                    "email": "tricky@example.com", "name": "Doe, \"Jane\"\nÜnïcode", "lists": [a.id.rawValue],
                    "attribs": ["city": "Pune", "n": 1],
                ])
            let trickyID = try #require(tricky.dataObject["id"] as? Int)
            // Enough subscribers for several batches of the export (1,000 each).
            try await app.services.engine.write { database in
                let now = Date()
                for index in 0..<2_100 {
                    try await database.raw(
                        """
                        INSERT INTO subscribers (uuid, email, name, status, created_at, updated_at)
                        VALUES (\(bind: UUID()), \(bind: "bulk\(index)@example.com"), 'Bulk', 'enabled', \(bind: now), \(bind: now))
                        """
                    ).run()
                }
            }

            let all = try await app.request(.get, "/api/subscribers/export", headers: admin)
            #expect(all.status == .ok)
            #expect(all.headers[.contentType] == "text/csv")
            #expect(all.headers[.contentDisposition] == "attachment; filename=subscribers.csv")
            #expect(all.headers[.vary] == "Accept-Encoding")
            #expect(all.headers[.contentEncoding] == nil)
            let lines = all.body.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == "uuid,email,name,attributes,status,created_at,updated_at")
            let expectedLines = 2_104  // header, 2,101 rows, the tricky name's second line, the final newline
            #expect(lines.count == expectedLines)
            #expect(all.body.contains(#","tricky@example.com","Doe, ""Jane"""#) == false)
            let quotedName = #",tricky@example.com,"Doe, ""Jane"""# + "\nÜnïcode\","
            #expect(all.body.contains(quotedName))
            // The attributes as the database keeps them: compact on SQLite, jsonb's text on PostgreSQL.
            #expect(
                all.body.contains(#""{""city"":""Pune"",""n"":1}",enabled,"#)
                    || all.body.contains(#""{""n"": 1, ""city"": ""Pune""}",enabled,"#))
            let bulkEmails = lines.compactMap { line -> Int? in
                guard let range = line.range(of: "bulk"), let end = line.range(of: "@example.com") else { return nil }
                return Int(line[range.upperBound..<end.lowerBound])
            }
            #expect(bulkEmails == Array(0..<2_100))  // once each, in id order, across batches
            let timestamp = try #require(lines[lines.count - 2].split(separator: ",").last)
            #expect(timestamp.hasSuffix(" +0000 UTC"))

            let filtered = try await app.request(
                .get, "/api/subscribers/export?list_id=\(a.id.rawValue)", headers: admin)
            #expect(filtered.body.contains("tricky@example.com") && !filtered.body.contains("bulk"))
            let byID = try await app.request(.get, "/api/subscribers/export?id=\(trickyID)", headers: admin)
            #expect(byID.body.contains("tricky@example.com") && !byID.body.contains("bulk"))
            let none = try await app.request(.get, "/api/subscribers/export?list_id=0", headers: admin)
            #expect(none.body == "uuid,email,name,attributes,status,created_at,updated_at\n")

            var gzipHeaders = admin
            gzipHeaders[.acceptEncoding] = "deflate, gzip;q=0.8"
            let compressed = try await app.request(.get, "/api/subscribers/export", headers: gzipHeaders)
            #expect(compressed.headers[.contentEncoding] == "gzip")
            var raw = compressed.raw
            #expect(raw.readableBytes < all.body.utf8.count / 2)
            let inflated = try raw.decompress(with: .gzip())
            #expect(String(buffer: inflated) == all.body)
            var refused = admin
            refused[.acceptEncoding] = "gzip;q=0"
            #expect(
                try await app.request(.get, "/api/subscribers/export", headers: refused).headers[.contentEncoding]
                    == nil)
        }
    }

    @Test(
        "a refused query is a 400 JSON error before any CSV; a valid one still streams every row",
        arguments: TestBackend.enabled)
    func refusedQuery(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await VariedSubscribers.insert(2_100, engine: app.services.engine)
            let refused = try await app.request(
                .get, "/api/subscribers/export?query=nonsense%20garbage", headers: admin)
            #expect(refused.status == .badRequest)
            #expect(refused.headers[.contentType] == "application/json")
            #expect(refused.code == "invalid_query")
            #expect(!refused.body.contains("uuid,email"))
            // Two of every three are not disabled: 1,400 rows, over two batches.
            let valid = try await app.request(
                .get, "/api/subscribers/export?query=subscribers.status%20%3C%3E%20%27disabled%27", headers: admin)
            #expect(valid.status == .ok)
            let lines = valid.body.split(separator: "\n")
            #expect(lines.count == 1 + 1_400)
            #expect(lines.dropFirst().allSatisfy { !$0.contains(",disabled,") })
        }
    }

    @Test(
        "cells a spreadsheet would run as a formula get a leading ', and no cell breaks out of its quotes",
        arguments: TestBackend.enabled)
    func formulas(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            for (email, name) in [
                ("-dash@example.com", "=HYPERLINK(\"http://evil.example\",\"x\")"), ("plus@example.com", "+1+2"),
                ("at@example.com", "@SUM(A1:A2)"),
            ] {
                let created = try await app.request(
                    .post, "/api/subscribers", headers: admin, json: ["email": email, "name": name])
                #expect(created.status == .ok, "\(created.body)")
            }
            // Names the API would trim or that hide a quote or a line break in one `Character`, as
            // an import or an older version could have stored them.
            try await app.services.engine.write { database in
                for (index, name) in [
                    "\tTab", "\rReturn", "\r\nLine", "=\u{301}accent", "plain -dash", "q\"\u{301},=1+1",
                ].enumerated() {
                    try await database.raw(
                        """
                        INSERT INTO subscribers (uuid, email, name, status, created_at, updated_at)
                        VALUES (\(bind: UUID()), \(bind: "raw\(index)@example.com"), \(bind: name), 'enabled',
                            \(bind: Date()), \(bind: Date()))
                        """
                    ).run()
                }
            }
            let export = try await app.request(.get, "/api/subscribers/export", headers: admin)
            for cell in [
                ",'-dash@example.com,", #","'=HYPERLINK(""http://evil.example"",""x"")","#, ",'+1+2,", ",'@SUM(A1:A2),",
                ",'\tTab,", ",\"'\rReturn\",", ",\"'\r\nLine\",", ",'=\u{301}accent,", ",plain -dash,",
                ",\"q\"\"\u{301},=1+1\",",
            ] {
                #expect(export.body.contains(cell), "\(cell.debugDescription) in \(export.body.debugDescription)")
            }
        }
    }

    @Test("a restricted caller exports only its lists' subscribers", arguments: TestBackend.enabled)
    func restricted(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let a = try await app.makeList("A")
            let b = try await app.makeList("B")
            for (email, list) in [("on-a@example.com", a), ("on-b@example.com", b)] {
                _ = try await app.request(
                    .post, "/api/subscribers", headers: admin, json: ["email": email, "lists": [list.id.rawValue]])
            }
            let role = try await app.makeListRole("A readers", [(a.id, [.get])])
            let reader = try await app.headers(holding: [.subscribersGet], listRole: role.id)
            let export = try await app.request(.get, "/api/subscribers/export", headers: reader)
            #expect(export.body.contains("on-a@example.com"))
            #expect(!export.body.contains("on-b@example.com"))
            let asked = try await app.request(.get, "/api/subscribers/export?list_id=\(b.id.rawValue)", headers: reader)
            #expect(!asked.body.contains("on-b@example.com"))
            let nobody = try await app.headers(holding: [.listsGetAll])
            #expect(try await app.request(.get, "/api/subscribers/export", headers: nobody).status == .forbidden)
        }
    }

    @Test("one subscriber's data: listmonk's document, private list names hidden", arguments: TestBackend.enabled)
    func one(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let open = try await app.makeList("Open", type: .public)
            let closed = try await app.makeList("Closed")
            let created = try await app.request(
                .post, "/api/subscribers", headers: admin,
                json: [
                    "email": "me@example.com", "lists": [open.id.rawValue, closed.id.rawValue], "attribs": ["k": "v"],
                ])
            let id = try #require(created.dataObject["id"] as? Int)
            let export = try await app.request(.get, "/api/subscribers/\(id)/export", headers: admin)
            #expect(export.status == .ok)
            #expect(export.headers[.contentDisposition] == "attachment; filename=\"data.json\"")
            #expect(!export.body.hasSuffix("\n"))
            #expect(export.body.contains("\n  \"profile\""))
            let document = export.object
            #expect(Array((document).keys).sorted() == ["campaign_views", "link_clicks", "profile", "subscriptions"])
            let profile = (document["profile"] as? [[String: Any]])?.first
            #expect(profile?["email"] as? String == "me@example.com")
            #expect((profile?["created_at"] as? String)?.hasSuffix("+00:00") == true)
            let names = (document["subscriptions"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.sorted() == ["Open", "Private list"])
            #expect(try await app.request(.get, "/api/subscribers/99999/export", headers: admin).status == .notFound)
        }
    }
}
