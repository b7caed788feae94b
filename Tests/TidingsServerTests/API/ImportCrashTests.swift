import Foundation
import Testing
import TidingsCore
import TidingsTestSupport

/// An import killed with SIGKILL mid-way leaves whole batches only and consistent counts, and the
/// restarted server imports again. A real server process, on both databases.
@Suite struct ImportCrashTests {
    @Test("kill -9 during an import: no half batch, counts intact, a new import runs", arguments: TestBackend.enabled)
    func killedMidImport(backend: TestBackend) async throws {
        let binary = try TidingsBinary.locate()
        try await backend.withFreshDatabase { configuration in
            let environment = [
                "TIDINGS_DATABASE_URL": configuration.databaseURL ?? "",
                "TIDINGS_SECRET_KEY": "import-crash-test-key-0123456789abcdef",
                "TIDINGS_LOG_LEVEL": "notice",
            ]
            let data = configuration.dataDirectory
            var server = try await LiveServer(binary: binary, environment: environment, dataDirectory: data)
            defer { server.stop() }
            let created = try await binary.run(
                ["users", "create", "--username", "loader", "--type", "api", "--role", "Super Admin", "--json"],
                environment: server.environment)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(created.output.utf8)) as? [String: Any])
            let auth = [("Authorization", "Bearer \(try #require(json["token"] as? String))")]
            var waitForToken = 0
            while try await server.get("/api/health", headers: auth).status != .ok, waitForToken < 40 {
                waitForToken += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            let list = try await server.send(
                .POST, "/api/lists", headers: auth + [("Content-Type", "application/json")], body: #"{"name":"All"}"#)
            let listID = try #require((list.object["data"] as? [String: Any])?["id"] as? Int)

            func upload(_ rows: Int, prefix: String) async throws -> LiveServer.Reply {
                var csv = "email,name\n"
                for index in 0..<rows { csv += "\(prefix)\(index)@example.com,Row \(index)\n" }
                let boundary = "crash-test-boundary"
                let body =
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"params\"\r\n\r\n"
                    + #"{"mode":"subscribe","lists":[\#(listID)]}"# + "\r\n--\(boundary)\r\n"
                    + "Content-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\n\r\n"
                    + csv + "\r\n--\(boundary)--\r\n"
                return try await server.send(
                    .POST, "/api/import/subscribers",
                    headers: auth + [("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: body,
                    timeout: .seconds(120))
            }
            func status() async throws -> [String: Any] {
                try await server.get("/api/import/subscribers", headers: auth).object["data"] as? [String: Any] ?? [:]
            }

            let started = try await upload(200_000, prefix: "r")
            #expect(started.status == .ok, "\(started.body)")
            // Kill it once some batches are in, while it still runs.
            var imported = 0
            for _ in 0..<300 {
                let now = try await status()
                imported = now["imported"] as? Int ?? 0
                if imported >= 2 * SubscriberImporter.defaultBatchSize || now["status"] as? String != "importing" {
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await status()["status"] as? String == "importing", "the import ended before the kill")
            server.kill()

            server = try await LiveServer(binary: binary, environment: environment, dataDirectory: data)
            let page = try await server.get("/api/subscribers?per_page=1", headers: auth)
            let total = try #require((page.object["data"] as? [String: Any])?["total"] as? Int)
            #expect(
                total > 0 && total % SubscriberImporter.defaultBatchSize == 0, "\(total) subscribers: not whole batches"
            )
            let counted = try await server.get("/api/lists/\(listID)", headers: auth)
            #expect((counted.object["data"] as? [String: Any])?["subscriber_count"] as? Int == total)
            // The interrupted import is reported, with its counts, and its file is gone.
            let interrupted = try await status()
            #expect(interrupted["status"] as? String == "failed")
            #expect(interrupted["name"] as? String == "rows.csv")
            #expect(interrupted["imported"] as? Int == total)
            #expect((interrupted["total"] as? Int ?? 0) >= total)
            let log = try await server.get("/api/import/subscribers/logs", headers: auth).object["data"] as? String
            #expect(log?.contains("the import of 'rows.csv' was interrupted (the server stopped)") == true)
            #expect(log?.contains("\(total) imported in whole batches") == true)
            let left = (try? FileManager.default.contentsOfDirectory(atPath: data + "/imports")) ?? []
            #expect(left.isEmpty, "\(left)")

            let again = try await upload(10, prefix: "after")
            #expect(again.status == .ok, "\(again.body)")
            var finished = false
            for _ in 0..<100 where !finished {
                finished = try await status()["status"] as? String == "finished"
                if !finished { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(finished)
        }
    }
}
