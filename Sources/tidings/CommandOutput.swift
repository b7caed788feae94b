import Foundation
import TidingsCore
import TidingsServer

/// What the commands print, as text for people or JSON for scripts.
enum CommandOutput {
    struct CreatedJSON: Encodable {
        let id: Int
        let username: String
        let type: String
        let role: String
        let token: String?
    }

    struct UserRowJSON: Encodable {
        let id: Int
        let username: String
        let type: String
        let status: String
        let role: String
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func printCreated(_ created: UserService.Created, role: UserRole, rootURL: String, json: Bool) throws {
        let user = created.user
        if json {
            try printJSON(
                CreatedJSON(
                    id: user.id.rawValue, username: user.username, type: user.type.rawValue, role: role.name,
                    token: created.token))
            return
        }
        print(
            "Created \(user.type == .api ? "API" : "login") user \"\(user.username)\" (id \(user.id), role \(role.name))."
        )
        if let token = created.token {
            print("")
            print("Its token, shown only this once:")
            print("")
            print("    \(token)")
            print("")
            print(
                "Use it as:  curl -u '\(user.username):\(token)' \(rootURL.hasSuffix("/") ? String(rootURL.dropLast()) : rootURL)/api/lists"
            )
        }
    }

    static func printUsers(_ users: [User], roles: [RoleID: String], json: Bool) throws {
        let rows = users.map {
            UserRowJSON(
                id: $0.id.rawValue, username: $0.username, type: $0.type.rawValue, status: $0.status.rawValue,
                role: roles[$0.userRoleID] ?? "?")
        }
        if json {
            try printJSON(rows)
            return
        }
        print("ID\tTYPE\tSTATUS\tROLE\tUSERNAME")
        for row in rows { print("\(row.id)\t\(row.type)\t\(row.status)\t\(row.role)\t\(row.username)") }
    }
}

extension CommandOutput {
    static func printToken(_ token: APIToken, secret: String, services: AppServices, json: Bool) throws {
        if json {
            print(
                try CommandLineJSON.token(
                    token, secret: secret, policy: services.tokens.policy, now: services.clock.now()))
            return
        }
        print("Token \"\(token.name)\" (id \(token.keyID)) of user \(token.userID):")
        print("")
        print("    \(secret)")
        print("")
        print("It is shown this once: store it now. Expires: \(token.expiresAt.map(Timestamp.rfc3339) ?? "never").")
        if let grace = token.graceUntil {
            print("The previous secret keeps working until \(Timestamp.rfc3339(grace)).")
        }
    }

    static func printTokens(_ tokens: [APIToken], services: AppServices, json: Bool) throws {
        let now = services.clock.now()
        if json {
            print(try CommandLineJSON.tokens(tokens, policy: services.tokens.policy, now: now))
            return
        }
        guard !tokens.isEmpty else {
            print("No tokens.")
            return
        }
        for token in tokens {
            let state = token.state(at: now, idleLifetime: services.tokens.policy.idleLifetime).rawValue
            let used =
                token.lastUsedAt.map { "last used \(Timestamp.rfc3339($0)) from \(token.lastUsedIP ?? "?")" }
                ?? "never used"
            print(
                "\(token.keyID)  \(token.name)  \(token.display)  \(state)  expires \(token.expiresAt.map(Timestamp.rfc3339) ?? "never")  \(used)"
            )
        }
    }

    static func printAudit(_ events: [AuditEvent], json: Bool) throws {
        if json {
            print(try CommandLineJSON.auditEvents(events))
            return
        }
        for event in events {
            let actor = event.actor.username ?? event.actor.tokenKeyID ?? event.actor.kind.rawValue
            let target = event.targetType.map { " \($0) \(event.targetID ?? "")" } ?? ""
            let call = event.method.map { " \($0) \(event.route ?? "") → \(event.status.map(String.init) ?? "")" } ?? ""
            let code = event.code.map { " [\($0)]" } ?? ""
            print(
                "\(Timestamp.rfc3339(event.at))  \(event.outcome.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(event.action)  by \(actor)\(event.clientIP.map { " from \($0)" } ?? "")\(target)\(call)\(code)"
            )
        }
    }
}
