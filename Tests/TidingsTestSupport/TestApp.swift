import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import TidingsCore
import TidingsServer

/// An application under test: real services on a real database of one backend, driven through
/// Hummingbird's in-process router client.
public struct TestApp: Sendable {
    public let services: AppServices
    public let client: any TestClientProtocol
    public let backend: TestBackend

    /// Runs `body` against a fresh application on `backend`: in process (`.router`, the default),
    /// or over real TCP on 127.0.0.1 (`.live`) where a test needs a client address. The
    /// database has no lists unless `keepDefaultLists` (`TestBackend.removeDefaultLists`).
    public static func run(
        _ backend: TestBackend, clock: WallClock = .system, setup: TestingSetup = .router,
        keepDefaultLists: Bool = false, configure: @Sendable (inout TidingsConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestApp) async throws -> Void
    ) async throws {
        try await backend.withFreshDatabase { base in
            var adjusted = base
            configure(&adjusted)
            let configuration = adjusted
            try await AppServices.withServices(configuration, logger: TestBackend.logger, clock: clock) { services in
                if !keepDefaultLists { try await TestBackend.removeDefaultLists(services.engine) }
                let app = buildApplication(services: services, logger: TestBackend.logger)
                try await app.test(setup) { client in
                    try await body(TestApp(services: services, client: client, backend: backend))
                }
            }
        }
    }

    /// Sends a request. `json` is encoded as the body with `Content-Type: application/json`.
    @discardableResult
    public func request(
        _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], json: Any? = nil, body: String? = nil,
        bytes: ByteBuffer? = nil
    ) async throws -> TestResult {
        var headers = headers
        var buffer: ByteBuffer? = bytes
        if let json {
            let data = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
            buffer = ByteBuffer(bytes: data)
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        } else if let body {
            buffer = ByteBuffer(string: body)
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: buffer)
        return TestResult(
            status: response.status, headers: response.headers, body: String(buffer: response.body),
            raw: response.body)
    }
}

/// A response, with helpers to read its JSON.
public struct TestResult: Sendable {
    public let status: HTTPResponse.Status
    public let headers: HTTPFields
    public let body: String
    /// The body's bytes, for bodies that are not text (gzip).
    public var raw = ByteBuffer()

    public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
    public var object: [String: Any] { json as? [String: Any] ?? [:] }
    /// The `data` member of the envelope.
    public var data: Any? { object["data"] }
    public var dataObject: [String: Any] { data as? [String: Any] ?? [:] }
    public var dataArray: [[String: Any]] { data as? [[String: Any]] ?? [] }
    public var message: String? { object["message"] as? String }
    public var code: String? { object["code"] as? String }
}

extension HTTPFields {
    /// `Authorization: Basic base64(username:secret)`, as `curl -u` sends it.
    public static func basic(_ username: String, _ secret: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(username):\(secret)".utf8).base64EncodedString()]
    }

    public static func tokenScheme(_ username: String, _ secret: String) -> HTTPFields {
        [.authorization: "token \(username):\(secret)"]
    }

    public static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// A session cookie, with the same-origin `Origin` a browser sends on state changes.
    public static func session(_ id: String) -> HTTPFields {
        [.cookie: "session=\(id)", .origin: "http://127.0.0.1:9000"]
    }
}
