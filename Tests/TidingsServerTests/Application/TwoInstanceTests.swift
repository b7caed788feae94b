import Foundation
import Testing
import TidingsTestSupport

/// With several instances on one PostgreSQL, a token revoked through one is
/// refused by every other within a second. Two real server processes.
@Suite struct TwoInstanceTests {
    @Test(
        "a token revoked through instance A is refused by instance B within one second",
        arguments: TestBackend.enabled.filter { $0 == .postgres })
    func revocationReachesTheOtherInstance(backend: TestBackend) async throws {
        let binary = try TidingsBinary.locate()
        try await backend.withFreshDatabase { configuration in
            let shared = [
                "TIDINGS_DATABASE_URL": configuration.databaseURL ?? "",
                "TIDINGS_SECRET_KEY": "two-instances-share-this-key-0123456789",
                "TIDINGS_LOG_LEVEL": "notice",
            ]
            func directory(_ name: String) throws -> String {
                let path = "\(configuration.dataDirectory)/\(name)"
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                return path
            }
            let a = try await LiveServer(binary: binary, environment: shared, dataDirectory: try directory("a"))
            defer { a.stop() }
            let b = try await LiveServer(binary: binary, environment: shared, dataDirectory: try directory("b"))
            defer { b.stop() }

            func apiUser(_ name: String) async throws -> (id: Int, token: String) {
                let created = try await binary.run(
                    ["users", "create", "--username", name, "--type", "api", "--role", "Super Admin", "--json"],
                    environment: a.environment)
                #expect(created.status == 0, "\(created.errors)")
                let json = try #require(
                    try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any])
                return (try #require(json["id"] as? Int), try #require(json["token"] as? String))
            }
            let ops = try await apiUser("ops")
            let shop = try await apiUser("shop")
            let bearer = { (token: String) in [("Authorization", "Bearer \(token)")] }

            // B learns of the token (a key id it has not seen triggers a reload) and accepts it.
            var accepted = false
            for _ in 0..<40 where !accepted {
                accepted = try await b.get("/api/health", headers: bearer(shop.token)).status == .ok
                if !accepted { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(accepted, "instance B never accepted the token")

            let keyID = String(shop.token.dropFirst(4).prefix(10))
            let revoked = try await a.send(
                .DELETE, "/api/users/\(shop.id)/tokens/\(keyID)", headers: bearer(ops.token), body: nil)
            #expect(revoked.status == .ok, "\(revoked.body)")
            let start = ContinuousClock.now
            var refusal: LiveServer.Reply?
            while ContinuousClock.now - start < .seconds(3) {
                let reply = try await b.get("/api/health", headers: bearer(shop.token))
                if reply.status == .unauthorized {
                    refusal = reply
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let elapsed = ContinuousClock.now - start
            #expect(refusal?.object["code"] as? String == "token_revoked", "B still accepted the token after 3 s")
            #expect(elapsed < .seconds(1), "B refused the revoked token only after \(elapsed)")
            // And the other way round: B's writes reach A.
            let other = try await b.send(
                .DELETE, "/api/users/\(ops.id)/tokens", headers: bearer(ops.token), body: nil)
            #expect(other.status == .ok)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await a.get("/api/health", headers: bearer(ops.token)).status == .unauthorized)
        }
    }
}
