import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TidingsServer

/// One kind of request, sent again and again straight to the router.
struct Scenario: Sendable {
    let name: String
    let path: String
    let authorization: String?
    /// The answers that mean the request did what the scenario measures.
    let expected: Set<HTTPResponse.Status>

    /// Nanoseconds per request over `count` requests, sent by `tasks` tasks in parallel, each
    /// waiting for its answer before sending the next.
    func nanosecondsPerRequest(
        _ count: Int, tasks: Int, responder: RouterResponder<AppRequestContext>, channel: any Channel, logger: Logger
    ) async throws -> Double {
        var fields = HTTPFields()
        fields[.userAgent] = "auth-cost"
        if let authorization { fields[.authorization] = authorization }
        let head = HTTPRequest(
            method: .get, scheme: "http", authority: "127.0.0.1:9000", path: path, headerFields: fields)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    let source = ApplicationRequestContextSource(channel: channel, logger: logger)
                    for _ in 0..<(count / tasks) {
                        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
                        let response = try await responder.respond(
                            to: request, context: AppRequestContext(source: source))
                        guard expected.contains(response.status) else {
                            throw AuthCostError("\(name) answered \(response.status), expected one of \(expected)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = (ContinuousClock.now - started).components
        return (Double(elapsed.seconds) * 1e9 + Double(elapsed.attoseconds) / 1e9) / Double(count)
    }
}

struct AuthCostError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
