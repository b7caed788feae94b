import Foundation
import Testing
import TidingsTestSupport

/// The story of the foundation issue, with the real executable and real HTTP: an admin starts
/// Tidings with one command, creates an API user for an integration, and the integration reads
/// the lists with `curl -u shop:TOKEN`; a login user's password on the API is refused with a
/// message that explains what to do.
@Suite(.serialized) struct LiveServerTests {
    static func basic(_ username: String, _ secret: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(username):\(secret)".utf8).base64EncodedString())
    }

    @Test("the newcomer's story, end to end", arguments: TestBackend.enabled)
    func story(backend: TestBackend) async throws {
        let binary = try TidingsBinary.locate()
        try await backend.withFreshDatabase { configuration in
            let server = try await LiveServer(
                binary: binary,
                environment: [
                    "TIDINGS_DATABASE_URL": configuration.databaseURL ?? "", "TIDINGS_ADMIN_USER": "admin",
                    "TIDINGS_ADMIN_PASSWORD": "admin password",
                ], dataDirectory: configuration.dataDirectory)
            defer { server.stop() }
            let created = try await binary.run(
                ["users", "create", "--username", "shop", "--type", "api", "--role", "Super Admin", "--json"],
                environment: server.environment)
            #expect(created.status == 0, "\(created.output) \(created.errors)")
            let parsed = try? JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any]
            let json = try #require(parsed, "not JSON: \(created.output) / \(created.errors)")
            let token = try #require(json["token"] as? String)
            #expect(json["type"] as? String == "api")
            #expect(json["username"] as? String == "shop")
            #expect(json["id"] is Int)
            // A token made by another process is known to the server within a second (at once on
            // PostgreSQL, which announces it; on SQLite by the reload an unknown key id triggers).
            var lists = try await server.get("/api/lists", headers: [Self.basic("shop", token)])
            for _ in 0..<20 where lists.status == .unauthorized {
                try await Task.sleep(for: .milliseconds(100))
                lists = try await server.get("/api/lists", headers: [Self.basic("shop", token)])
            }
            #expect(lists.status == .ok)
            #expect((lists.object["data"] as? [String: Any])?["results"] is [Any])
            let mistake = try await server.get("/api/lists", headers: [Self.basic("admin", "admin password")])
            #expect(mistake.status == .unauthorized)
            #expect(mistake.object["code"] as? String == "login_user_not_api")
            // A token made by another process (the CLI) while the server's cache is warm is known
            // to the server within a second.
            let later = try await binary.run(
                ["users", "create", "--username", "shop2", "--type", "api", "--role", "Super Admin", "--json"],
                environment: server.environment)
            let laterJSON = try JSONSerialization.jsonObject(with: Data(later.output.utf8)) as? [String: Any]
            let laterToken = try #require(laterJSON?["token"] as? String)
            try await Task.sleep(for: .milliseconds(1_100))
            let fresh = try await server.get("/api/lists", headers: [Self.basic("shop2", laterToken)])
            #expect(fresh.status == .ok)
            let listed = try await binary.run(["users", "list", "--json"], environment: server.environment)
            let users = try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]] ?? []
            #expect(users.compactMap { $0["username"] as? String }.sorted() == ["admin", "shop", "shop2"])
            #expect(!server.log().contains(token))
            #expect(!server.log().contains("admin password"))
        }
    }

    @Test("first start without an admin prints a setup code that the setup form accepts")
    func setupCode() async throws {
        let binary = try TidingsBinary.locate()
        try await TestBackend.sqlite.withFreshDatabase { configuration in
            let server = try await LiveServer(
                binary: binary, environment: [:], dataDirectory: configuration.dataDirectory)
            defer { server.stop() }
            var code: String?
            for _ in 0..<50 where code == nil {
                code =
                    server.log().components(separatedBy: "one-time setup code ").dropFirst().first?
                    .prefix { $0.isLetter || $0.isNumber }.description
                if code == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let setupCode = try #require(code)
            let page = try await server.get("/admin/login")
            #expect(page.body.contains("setup_code"))
            let nonce = try #require(
                page.body.components(separatedBy: "name=\"nonce\" value=\"").dropFirst().first?.prefix(24))
            let form =
                "setup_code=\(setupCode)&username=root&email=root%40example.com&password=long+password&password2=long+password&nonce=\(nonce)"
            let done = try await server.send(
                .POST, "/admin/login",
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "tidings_nonce=\(nonce)")],
                body: form)
            #expect(done.status == .found, "\(done.body)")
            #expect(done.headers["Set-Cookie"].contains { $0.hasPrefix("session=") })
            let secretKey = "\(configuration.dataDirectory)/secret.key"
            let mode = try FileManager.default.attributesOfItem(atPath: secretKey)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("install and upgrade are idempotent; --help documents the commands")
    func installUpgrade() async throws {
        let binary = try TidingsBinary.locate()
        try await TestBackend.sqlite.withFreshDatabase { configuration in
            let environment = ["TIDINGS_DATA_DIR": configuration.dataDirectory]
            let first = try await binary.run(["install", "--yes"], environment: environment)
            #expect(first.status == 0 && first.output.contains("Installed schema version"), "\(first.output)")
            let second = try await binary.run(["install", "--yes"], environment: environment)
            #expect(second.status == 0 && second.output.contains("Already installed"), "\(second.output)")
            let upgrade = try await binary.run(["upgrade"], environment: environment)
            #expect(upgrade.status == 0 && upgrade.output.contains("Up to date"), "\(upgrade.output)")
            let declined = try await binary.run(["install"], environment: environment, input: "n\n")
            #expect(declined.output.contains("Nothing done"))
            let help = try await binary.run(["--help"], environment: environment)
            for word in ["serve", "install", "upgrade", "users", "TIDINGS_DATABASE_URL", "TIDINGS_SECRET_KEY"] {
                #expect(help.output.contains(word), "help lacks \(word)")
            }
            let usersHelp = try await binary.run(["users", "create", "--help"], environment: environment)
            for word in ["--username", "--type", "--role", "--password-file", "--json"] {
                #expect(usersHelp.output.contains(word), "users create help lacks \(word)")
            }
        }
    }

    @Test("a login user from the CLI reads its password from a file")
    func loginUserFromCLI() async throws {
        let binary = try TidingsBinary.locate()
        try await TestBackend.sqlite.withFreshDatabase { configuration in
            let environment = ["TIDINGS_DATA_DIR": configuration.dataDirectory]
            let file = "\(configuration.dataDirectory)/password.txt"
            try "file password 1\n".write(toFile: file, atomically: true, encoding: .utf8)
            let created = try await binary.run(
                ["users", "create", "--username", "ops", "--type", "user", "--password-file", file, "--json"],
                environment: environment)
            #expect(created.status == 0, "\(created.output)")
            #expect(created.output.contains("\"token\"") == false || created.output.contains("\"token\" : null"))
            let badRole = try await binary.run(
                ["users", "create", "--username", "x1", "--type", "api", "--role", "Nope"], environment: environment)
            #expect(badRole.status != 0)
            #expect(badRole.errors.contains("Super Admin"))
        }
    }

    @Test("a client that waits for 100 Continue before its body gets it at once (curl does, for uploads)")
    func expectContinue() async throws {
        let binary = try TidingsBinary.locate()
        try await TestBackend.sqlite.withFreshDatabase { configuration in
            let server = try await LiveServer(
                binary: binary, environment: [:], dataDirectory: configuration.dataDirectory)
            defer { server.stop() }
            let connection = try RawHTTPConnection(port: try #require(URL(string: server.baseURL)?.port), timeout: 5)
            // A route that reads the body before it answers (an API route would answer 401 at once,
            // racing the body), so the final answer proves the body arrived after the 100.
            let body = "confirm=true"
            try connection.send(
                "POST /subscription/optin/\(UUID().uuidString.lowercased()) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n")
            let interim = connection.receive(until: "\r\n\r\n")
            #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n", "\(interim)")
            try connection.send(body)
            let final = connection.receive(until: "</html>")
            #expect(final.hasPrefix("HTTP/1.1 404"), "\(final)")
            #expect(final.contains("Link not valid"))
        }
    }
}
