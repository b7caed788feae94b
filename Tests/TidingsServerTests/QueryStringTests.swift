import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsServer
import TidingsTestSupport

/// Every route reads its query string (and form bodies) as listmonk's Go server does: `+` is a
/// space, `%XX` a byte, repeated names keep every value, and what does not decode is a 400.
@Suite struct QueryStringTests {
    /// The e-mail addresses of a subscriber listing.
    static func emails(_ result: TestResult) -> [String] {
        ((result.dataObject["results"] as? [[String: Any]]) ?? []).compactMap { $0["email"] as? String }.sorted()
    }

    static func subscribers(_ app: TestApp, _ admin: HTTPFields) async throws {
        for (email, name) in [("jane@a.com", "Jane Doe"), ("bob@b.com", "Bob"), ("a+b@b.com", "Plus")] {
            let created = try await app.request(
                .post, "/api/subscribers", headers: admin, json: ["email": email, "name": name])
            #expect(created.status == .ok, "\(created.body)")
        }
    }

    @Test("a + in search and in the SQL query is a space, as clients encode it", arguments: TestBackend.enabled)
    func plusIsSpace(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await Self.subscribers(app, admin)
            func emails(_ query: String) async throws -> [String] {
                let result = try await app.request(.get, "/api/subscribers?\(query)", headers: admin)
                #expect(result.status == .ok, "\(query): \(result.body)")
                return Self.emails(result)
            }
            // Python's urlencode, curl -G --data-urlencode and HTML forms: + for a space.
            #expect(try await emails("search=Jane+Doe") == ["jane@a.com"])
            // JavaScript's encodeURIComponent: %20.
            #expect(try await emails("search=Jane%20Doe") == ["jane@a.com"])
            // A literal + is %2B; a bare + is a space, so "a+b" searches for "a b".
            #expect(try await emails("search=a%2Bb") == ["a+b@b.com"])
            #expect(try await emails("search=a+b") == [])
            // Issue 16's query, typed as in the issue, as Python's urlencode writes it, and as curl
            // writes it (lower-case hex).
            let matches = ["a+b@b.com", "bob@b.com"]
            #expect(try await emails("query=subscribers.email+LIKE+'%25@b.com'") == matches)
            #expect(try await emails("query=subscribers.email+LIKE+%27%25%40b.com%27") == matches)
            #expect(try await emails("query=subscribers.email+LIKE+%27%25%40b.com%27&per_page=all") == matches)
            #expect(try await emails("query=subscribers.name+%3d+%27Jane+Doe%27") == ["jane@a.com"])
        }
    }

    @Test("the admin pages read their filters the same way", arguments: TestBackend.enabled)
    func adminFilters(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await Self.subscribers(app, admin)
            try await app.makeLoginUser("editor")
            let cookie: HTTPFields = [.cookie: "session=\(try await app.sessionID("editor"))"]
            let page = try await app.request(.get, "/admin/subscribers?search=Jane+Doe", headers: cookie)
            #expect(page.status == .ok)
            #expect(page.body.contains("jane@a.com"))
            #expect(!page.body.contains("bob@b.com"))
            // The page's own links write the filter back escaped, and reading them gives it again.
            #expect(page.body.contains("search=Jane%20Doe"))
            let notice = try await app.request(.get, "/admin/lists?notice=Saved+%E2%80%94+done%3B+ok", headers: cookie)
            #expect(notice.body.contains("Saved — done; ok"))
        }
    }

    @Test("repeated names keep every value; an empty value is empty", arguments: TestBackend.enabled)
    func repeatedNames(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            // Tags may hold & and = (their whitespace becomes -): escaped, they are one value each.
            let both = try await app.makeList("Both", tags: ["ü&x", "c=d"])
            try await app.makeList("One", tags: ["ü&x"])
            let tagged = try await app.request(.get, "/api/lists?tag=%C3%BC%26x&tag=c%3Dd", headers: admin)
            #expect(tagged.status == .ok)
            #expect(
                ((tagged.dataObject["results"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }
                    == [both.id.rawValue])
            let all = try await app.request(.get, "/api/lists?query=&tag=%c3%bc%26x&per_page=", headers: admin)
            #expect(all.dataObject["total"] as? Int == 2)
        }
    }

    @Test(
        "a query string that does not decode is 400 invalid_query_string on every kind of route",
        arguments: TestBackend.enabled)
    func invalid(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            try await app.makeLoginUser("editor")
            let cookie: HTTPFields = [.cookie: "session=\(try await app.sessionID("editor"))"]
            let routes: [(String, HTTPFields)] = [
                ("/api/subscribers", admin), ("/api/lists", [:]), ("/health", [:]), ("/admin/subscribers", cookie),
                ("/admin/login", [:]), ("/subscription/optin/\(UUID().uuidString.lowercased())", [:]),
            ]
            let queries: [(query: String, says: String)] = [
                ("search=100%", #""%" is not a percent-escape"#), ("search=%zz", #""%zz" is not a percent-escape"#),
                ("page=1&search=%4", #""%4" is not"#), ("search=a;b", "\";\" does not separate parameters"),
                ("search=caf%E9", "not UTF-8"), ("%E9=1", "not UTF-8"),
            ]
            for (path, headers) in routes {
                for (query, says) in queries {
                    let response = try await app.request(.get, "\(path)?\(query)", headers: headers)
                    #expect(response.status == .badRequest, "\(path)?\(query): \(response.body)")
                    #expect(response.code == "invalid_query_string", "\(path)?\(query)")
                    #expect(response.message?.hasPrefix("Invalid query string: ") == true)
                    #expect(response.message?.contains(says) == true, "\(response.message ?? "")")
                }
            }
            // Escaped, the same characters are fine.
            let fine = try await app.request(.get, "/api/subscribers?search=100%25%3B+caf%C3%A9", headers: admin)
            #expect(fine.status == .ok)
        }
    }

    @Test(
        "credentials in the query string are still refused however the name is written", arguments: TestBackend.enabled)
    func credentials(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (_, token) = try await app.makeAPIUser("shop")
            let refused: [(query: String, name: String)] = [
                ("%74oken=x", "token"), ("%74%6F%6B%65%6E=x", "token"), ("page=1&tok%65n", "token"),
                ("access+token=x", "access token"), ("Access%2dToken=x", "Access-Token"),
                ("api%5fkey%5B%5D=x", "api_key"),
                ("search=a+b&pass%77ord=x", "password"),
            ]
            for (query, name) in refused {
                let response = try await app.request(.get, "/api/lists?\(query)", headers: .bearer(token))
                #expect(response.code == "credentials_in_url", "\(query): \(response.body)")
                #expect(response.object["parameter"] as? String == name, "\(query)")
            }
            // A token whose value does not decode is refused before anything else reads it.
            let undecodable = try await app.request(.get, "/api/lists?token=%zz\(token)", headers: .bearer(token))
            #expect(undecodable.status == .badRequest)
            #expect(undecodable.message?.contains(token) == false)
        }
    }

    @Test("form bodies decode by the same rules, and one that does not decode is a 400", arguments: TestBackend.enabled)
    func formBodies(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let (uuid, list) = try await app.makeSubscriberAwaitingOptin(list: "Double")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let invalid = try await app.request(
                .post, "/subscription/optin/\(uuid)", headers: form, body: "confirm=true&l=%zz")
            #expect(invalid.status == .badRequest)
            #expect(invalid.code == "invalid_form")
            let semicolon = try await app.request(
                .post, "/subscription/optin/\(uuid)", headers: form, body: "confirm=true;l=x")
            #expect(semicolon.code == "invalid_form")
            // Escapes in names and values, in either case of hex digit.
            let confirmed = try await app.request(
                .post, "/subscription/optin/\(uuid)", headers: form,
                body: "c%6fnfirm=tr%75e&%6C=\(list.uuid.uuidString.lowercased())")
            #expect(confirmed.status == .ok)
            #expect(confirmed.body.contains("Subscription confirmed"))
        }
    }

    @Test("?pretty works under the new decoding, with or without a value", arguments: TestBackend.enabled)
    func pretty(backend: TestBackend) async throws {
        try await TestApp.run(backend) { app in
            let admin = try await app.adminHeaders()
            for query in ["pretty", "pretty=", "pretty=true", "page=1&pretty"] {
                let body = try await app.request(.get, "/api/lists?\(query)", headers: admin).body
                #expect(body.contains("\n  \"data\""), "\(query)")
            }
            #expect(!(try await app.request(.get, "/api/lists?prettyx", headers: admin).body.contains("\n  ")))
        }
    }

    @Test("no route reads the query string but through Request.query")
    func oneReader() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        let allowed = [
            "TidingsServer/API/RequestParsing.swift", "TidingsServer/Middleware/QueryStringMiddleware.swift",
        ]
        for file in files {
            let text = try String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            #expect(!text.contains("queryParameters"), "\(file) reads Hummingbird's queryParameters (+ stays a +)")
            #expect(!text.contains("removingPercentEncoding") || file.hasSuffix("LoginPages.swift"), "\(file)")
            if !allowed.contains(file) {
                #expect(!text.contains("uri.query"), "\(file) reads the raw query string")
            }
        }
    }
}
