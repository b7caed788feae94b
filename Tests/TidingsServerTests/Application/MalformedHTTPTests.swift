import Foundation
import HTTPTypes
import Testing
import TidingsCore
import TidingsTestSupport

/// Requests whose bytes stop being HTTP after their head, sent raw to a live server: the
/// answer is a 400 JSON error that closes the connection, never a 500, and nothing changes.
@Suite struct MalformedHTTPTests {
    @Test("a chunk size that is not hexadecimal is a 400, not a 500", arguments: TestBackend.enabled)
    func malformedChunkSize(backend: TestBackend) async throws {
        try await TestApp.run(backend, setup: .live) { app in
            let admin = try await app.adminHeaders()
            let connection = try RawHTTPConnection(port: try #require(app.client.port))
            try connection.send(
                "POST /api/lists HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(admin[.authorization] ?? "")\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{\"name\": \"X\"}\r\n")
            let answer = connection.receive(until: "}\n")
            #expect(answer.hasPrefix("HTTP/1.1 400 "), "\(answer)")
            #expect(answer.lowercased().contains("\r\nconnection: close\r\n"), "\(answer)")
            #expect(answer.contains(#"{"message":"Malformed HTTP request","code":"malformed_request"}"#), "\(answer)")
            #expect(try await app.services.stores.lists.lists(ListQuery()).total == 0)
        }
    }
}
