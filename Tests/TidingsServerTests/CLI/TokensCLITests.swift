import Foundation
import Testing
import TidingsTestSupport

/// `tidings tokens …` and `tidings audit`, run as an operator would.
@Suite struct TokensCLITests {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test("create, list, rotate and revoke tokens, each written to the audit log", arguments: TestBackend.enabled)
    func lifecycle(backend: TestBackend) async throws {
        let binary = try TidingsBinary.locate()
        try await backend.withFreshDatabase { configuration in
            var environment = ProcessInfo.processInfo.environment
            environment["TIDINGS_DATA_DIR"] = configuration.dataDirectory
            environment["TIDINGS_DATABASE_URL"] = configuration.databaseURL ?? ""
            environment["USER"] = "operator"
            func run(_ arguments: String...) async throws -> (status: Int32, output: String, errors: String) {
                try await binary.run(arguments, environment: environment)
            }
            #expect(
                try await run(
                    "users", "create", "--username", "shop", "--type", "api", "--role", "Super Admin", "--json"
                ).status == 0)

            let created = try await run(
                "tokens", "create", "--user", "shop", "--name", "ci", "--expires-in", "30", "--scope", "lists:get_all",
                "--allow", "10.0.0.0/8", "--json")
            #expect(created.status == 0, "\(created.errors)")
            let token = try Self.object(created.output)
            let keyID = try #require(token["id"] as? String)
            let secret = try #require(token["token"] as? String)
            #expect(secret.hasPrefix("tdg_\(keyID)"))
            #expect(token["scopes"] as? [String] == ["lists:get_all"])
            #expect(token["allowed_cidrs"] as? [String] == ["10.0.0.0/8"])
            let expires = try #require(
                (token["expires_at"] as? String).flatMap {
                    ISO8601DateFormatter().date(from: String($0.prefix(19)) + "Z")
                })
            #expect(abs(expires.timeIntervalSinceNow - 30 * 86_400) < 120)

            let listed = try await run("tokens", "list", "--user", "shop", "--json")
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
            #expect(Set(rows.compactMap { $0["name"] as? String }) == ["default", "ci"])
            #expect(!listed.output.contains(secret))
            #expect(try await run("tokens", "list", "--user", "shop").output.contains(keyID))

            let rotated = try await run(
                "tokens", "rotate", "--user", "shop", "--id", keyID, "--grace-seconds", "60", "--json")
            #expect(rotated.status == 0, "\(rotated.errors)")
            let newSecret = try #require(try Self.object(rotated.output)["token"] as? String)
            #expect(newSecret != secret && newSecret.hasPrefix("tdg_\(keyID)"))
            #expect(try Self.object(rotated.output)["grace_until"] is String)

            let revoked = try await run("tokens", "revoke", "--user", "shop", "--id", keyID)
            #expect(revoked.status == 0)
            #expect(revoked.output.contains("Revoked token \"ci\""))
            let all = try await run("tokens", "revoke", "--user", "shop", "--all")
            #expect(all.output.contains("Revoked 1 token of shop."))

            let audit = try await run("audit", "--action", "cli.", "--json")
            let events = try #require(
                try JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [[String: Any]])
            #expect(
                events.compactMap { $0["action"] as? String }
                    == [
                        "cli.tokens.revoke_all", "cli.tokens.revoke", "cli.tokens.rotate", "cli.tokens.create",
                        "cli.users.create",
                    ])
            #expect(events.allSatisfy { ($0["actor"] as? [String: Any])?["type"] as? String == "cli" })
            #expect(events.allSatisfy { ($0["actor"] as? [String: Any])?["username"] as? String == "operator" })
            #expect(!audit.output.contains(secret) && !audit.output.contains(newSecret))
            #expect(try await run("audit").output.contains("cli.tokens.rotate"))

            // Mistakes are refused with a message and a non-zero status, changing nothing.
            for arguments in [
                ["tokens", "list", "--user", "nobody"],
                ["tokens", "revoke", "--user", "shop", "--id", keyID, "--all"],
                ["tokens", "revoke", "--user", "shop"],
                ["tokens", "create", "--user", "shop", "--name", "x", "--scope", "root"],
                ["tokens", "create", "--user", "shop", "--name", "x", "--expires-in", "9999"],
                ["tokens", "rotate", "--user", "shop", "--id", "0000000000"],
                ["audit", "--from", "yesterday"],
            ] {
                let refused = try await binary.run(arguments, environment: environment)
                #expect(refused.status != 0, "\(arguments)")
                #expect(!refused.errors.isEmpty, "\(arguments)")
            }
            let after = try await run("tokens", "list", "--user", "shop", "--json")
            #expect((try JSONSerialization.jsonObject(with: Data(after.output.utf8)) as? [Any])?.count == 2)
        }
    }
}
