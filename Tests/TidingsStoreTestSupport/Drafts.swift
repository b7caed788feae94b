import Foundation
import TidingsCore

/// Values to hand a store, filled in with what a test does not care about.
public enum Drafts {
    /// A fixed moment, so that stored times can be compared exactly.
    public static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    /// A login user (password hash `hash-<name>`, e-mail `<name>@example.com`) or an API user.
    public static func user(
        _ name: String, role: RoleID = UserRole.superAdminID, listRole: RoleID? = nil, type: UserType = .user,
        status: UserStatus = .enabled
    ) -> NewUser {
        NewUser(
            username: name, passwordLogin: type == .user, passwordHash: type == .user ? "hash-\(name)" : nil,
            email: type == .user ? "\(name)@example.com" : nil, name: name, type: type, status: status,
            userRoleID: role, listRoleID: listRole)
    }

    public static func list(_ name: String, tags: [String] = [], type: ListType = .private) -> ListDraft {
        ListDraft(name: name, type: type, optin: .single, status: .active, tags: tags, description: "")
    }

    public static func subscriber(
        _ email: String, name: String = "S", status: SubscriberStatus = .enabled,
        attributes: [String: JSONValue] = [:]
    ) -> SubscriberDraft {
        SubscriberDraft(email: email, name: name, attributes: attributes, status: status)
    }

    public static func token(_ keyID: String, user: UserID, at now: Date = epoch) -> APIToken {
        APIToken(
            keyID: keyID, userID: user, name: "ci", prefix: "tdg_", lastFour: "abcd", secretHash: "h-\(keyID)",
            scopes: [.listsGetAll], lists: [ListID(3)], allowedCIDRs: ["10.0.0.0/8"], createdAt: now, createdBy: nil,
            expiresAt: now.addingTimeInterval(3_600))
    }

    public static func session(
        _ idHash: String, user: UserID, at now: Date = epoch, seen: TimeInterval = 0, expires: TimeInterval = 3_600,
        ip: String? = "127.0.0.1", agent: String? = "test"
    ) -> StoredSession {
        StoredSession(
            idHash: idHash, userID: user, createdAt: now, lastSeenAt: now.addingTimeInterval(seen),
            expiresAt: now.addingTimeInterval(expires), clientIP: ip, userAgent: agent)
    }
}
