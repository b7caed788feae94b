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

    static func printCreated(_ created: UserService.Created, role: UserRole, json: Bool) throws {
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
            print("Use it as:  curl -u \(user.username):\(token) <root URL>/api/lists")
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
