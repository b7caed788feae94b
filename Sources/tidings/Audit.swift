import ArgumentParser
import Foundation
import TidingsCore
import TidingsServer

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the audit log, newest first.",
        discussion: "Filters combine; times are RFC 3339 (e.g. 2026-11-26T00:00:00Z).")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Only events by this username or user id.")
    var actor: String?

    @Option(help: "Only this action, or actions starting with it when it ends in '.' (e.g. token.).")
    var action: String?

    @Option(help: "success or failure.")
    var outcome: String?

    @Option(help: "Only events at or after this time.")
    var from: String?

    @Option(help: "Only events before this time.")
    var to: String?

    @Option(help: "At most this many events.")
    var limit = 100

    @Flag(help: "Print the result as JSON (one array).")
    var json = false

    func run() async throws {
        func time(_ text: String?, _ name: String) throws -> Date? {
            guard let text else { return nil }
            guard let date = Timestamp.parse(text) else { throw ValidationError("--\(name): not an RFC 3339 time") }
            return date
        }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        let outcome = try outcome.map {
            guard let parsed = AuditEvent.Outcome(rawValue: $0) else {
                throw ValidationError("--outcome: success or failure")
            }
            return parsed
        }
        let query = AuditQuery(
            actor: actor, action: action, outcome: outcome, from: try time(from, "from"), until: try time(to, "to"),
            pagination: Pagination(page: 1, perPage: limit))
        try await options.withServices { services in
            try CommandOutput.printAudit(try await services.audit.events(query).items, json: json)
        }
    }
}
