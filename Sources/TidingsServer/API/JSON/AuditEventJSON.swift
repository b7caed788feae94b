import Foundation
import TidingsCore

/// An audit event on the wire (`GET /api/audit`).
struct AuditEventJSON: Encodable, Sendable {
    struct Actor: Encodable, Sendable {
        let type: String
        let user_id: Int?
        let username: String?
        let token: String?

        enum CodingKeys: String, CodingKey { case type, user_id, username, token }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(user_id, forKey: .user_id)
            try container.encode(username, forKey: .username)
            try container.encode(token, forKey: .token)
        }
    }

    struct Target: Encodable, Sendable {
        let type: String
        let id: String
    }

    let event: AuditEvent

    enum CodingKeys: String, CodingKey {
        case id, at, action, outcome, actor, client_ip, user_agent, method, route, status, target, code, details
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event.id, forKey: .id)
        try container.encode(event.at, forKey: .at)
        try container.encode(event.action, forKey: .action)
        try container.encode(event.outcome, forKey: .outcome)
        try container.encode(
            Actor(
                type: event.actor.kind.rawValue, user_id: event.actor.userID?.rawValue, username: event.actor.username,
                token: event.actor.tokenKeyID), forKey: .actor)
        try container.encode(event.clientIP, forKey: .client_ip)
        try container.encode(event.userAgent, forKey: .user_agent)
        try container.encode(event.method, forKey: .method)
        try container.encode(event.route, forKey: .route)
        try container.encode(event.status, forKey: .status)
        let target = event.targetType.map { Target(type: $0, id: event.targetID ?? "") }
        try container.encode(target, forKey: .target)
        try container.encode(event.code, forKey: .code)
        try container.encode(SortedKeysJSON(event.details), forKey: .details)
    }
}

/// The CSV export of the audit log: one header row, then one row per event (RFC 4180 quoting;
/// cells that a spreadsheet would run as a formula are prefixed with `'`).
enum AuditCSV {
    static let header = [
        "id", "at", "action", "outcome", "actor_type", "actor_user_id", "actor_username", "actor_token", "client_ip",
        "user_agent", "method", "route", "status", "target_type", "target_id", "code", "details",
    ]

    static func row(_ event: AuditEvent) -> String {
        let details = event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        let cells: [String?] = [
            event.id.map(String.init), Timestamp.rfc3339(event.at), event.action, event.outcome.rawValue,
            event.actor.kind.rawValue, event.actor.userID.map { String($0.rawValue) }, event.actor.username,
            event.actor.tokenKeyID, event.clientIP, event.userAgent, event.method, event.route,
            event.status.map(String.init), event.targetType, event.targetID, event.code, details,
        ]
        return line(cells.map { $0 ?? "" })
    }

    static func line(_ cells: [String]) -> String {
        cells.map(quoted).joined(separator: ",") + "\r\n"
    }

    static func quoted(_ cell: String) -> String {
        let cell = CSVCell.neutralised(cell)
        guard CSVCell.holdsSeparator(cell) else { return cell }
        return CSVCell.quoted(cell)
    }
}
