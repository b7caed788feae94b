import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// U+0000 cannot be stored in PostgreSQL text or `jsonb`, and SQLite's text functions stop at it;
/// wherever it arrives (a JSON body, a query parameter, an import file) the answer is a clear 400 or
/// a skipped row, the same on both databases, and nothing is written.
@Suite struct NULCharacterTests {
    @Test("a NUL in a JSON body or a query parameter is a 400, not a database error", arguments: TestBackend.enabled)
    func refusedInRequests(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            var headers = admin
            headers[.contentType] = "application/json"
            let bodies = [
                ("/api/subscribers", #"{"email":"n1@example.com","name":"a\u0000b"}"#),
                ("/api/subscribers", #"{"email":"n2@example.com","name":"N","attribs":{"k":"\u0000"}}"#),
                ("/api/subscribers", #"{"email":"n3@example.com","name":"N","attribs":{"\u0000":1}}"#),
                ("/api/lists", #"{"name":"list \u0000"}"#),
            ]
            for (path, body) in bodies {
                let result = try await app.request(.post, path, headers: headers, body: body)
                #expect(result.status == .badRequest, "\(path) \(body): \(result.status) \(result.body)")
                #expect(result.message?.contains("NUL") == true, "\(result.body)")
            }
            // An escaped backslash before "u0000" is six ordinary characters, not a NUL.
            let literal = try await app.request(
                .post, "/api/subscribers", headers: headers, body: #"{"email":"n4@example.com","name":"a\\u0000b"}"#)
            #expect(literal.status == .ok, "\(literal.body)")
            #expect(literal.dataObject["name"] as? String == #"a\u0000b"#)

            for path in ["/api/subscribers?search=a%00b", "/api/lists?query=a%00b", "/api/subscribers?order_by=id%00"] {
                let result = try await app.request(.get, path, headers: admin)
                #expect(result.status.code < 500, "\(path): \(result.status) \(result.body)")
            }
            for path in ["/api/subscribers/1%00", "/api/lists?query=%00"] {
                let result = try await app.request(.get, path, headers: admin)
                #expect(result.status == .badRequest, "\(path): \(result.status) \(result.body)")
            }
            let encodedPercent = try await app.request(.get, "/api/lists?query=%2500", headers: admin)
            #expect(encodedPercent.status == .ok, "\(encodedPercent.body)")  // a search for the text "%00"
            let form = try await app.request(
                .post, "/admin/login", headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "username=ad%00min&password=x")
            #expect(form.status.code < 500, "\(form.status) \(form.body)")

            let stored = try await app.services.stores.subscribers.subscribers(SubscriberQuery()).total
            #expect(stored == 1)
        }
    }

    @Test("an import skips a row with a NUL and keeps the rest of its batch", arguments: TestBackend.enabled)
    func skippedInImports(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            let list = try await app.makeList("A")
            let csv =
                "email,name,attributes\n" + "ok1@example.com,One,\n" + "bad1@example.com,Nul\u{0}Name,\n"
                + "bad2@example.com,Two,\"{\"\"k\"\": \"\"\\u0000\"\"}\"\n" + "ok2@example.com,Two,\"{\"\"k\"\": 1}\"\n"
            let started = try await ImportTests.post(
                app, headers: admin, params: #"{"mode":"subscribe","lists":[\#(list.id.rawValue)]}"#,
                file: ("nul.csv", Array(csv.utf8)))
            #expect(started.status == .ok, "\(started.body)")
            let end = try await ImportTests.waitForEnd(app)
            #expect(end["status"] as? String == "finished")
            #expect(end["imported"] as? Int == 2)
            let log = try await app.request(.get, "/api/import/subscribers/logs", headers: admin).data as? String ?? ""
            #expect(log.contains("skipping line 3"), "\(log)")
            #expect(log.contains("skipping line 4"), "\(log)")
            let emails = try await app.services.stores.subscribers.subscribers(SubscriberQuery()).items.map(\.email)
            #expect(Set(emails) == ["ok1@example.com", "ok2@example.com"])
        }
    }
}
