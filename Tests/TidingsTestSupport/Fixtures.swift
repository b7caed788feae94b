import Foundation
import HTTPTypes
import TidingsCore
import TidingsServer

/// Users, roles and lists made through the real services, for tests to act as.
extension TestApp {
    /// A login user with a password; returns the user.
    @discardableResult
    public func makeLoginUser(
        _ username: String, password: String = "password-123", role: RoleID = UserRole.superAdminID,
        listRole: RoleID? = nil, status: UserStatus = .enabled
    ) async throws -> User {
        try await services.users.create(
            .init(
                username: username, email: "\(username)@example.com", password: password, passwordLogin: true,
                type: .user, status: status, userRoleID: role, listRoleID: listRole),
            by: nil
        ).user
    }

    /// An API user and its first token.
    public func makeAPIUser(
        _ username: String, role: RoleID = UserRole.superAdminID, listRole: RoleID? = nil
    )
        async throws -> (user: User, token: String)
    {
        let created = try await services.users.create(
            .init(username: username, type: .api, status: .enabled, userRoleID: role, listRoleID: listRole), by: nil)
        return (created.user, created.token!)
    }

    /// Headers authenticating as a new API user holding exactly `permissions` (and `listRole`).
    public func headers(
        holding permissions: [Permission], listRole: RoleID? = nil, name: String? = nil
    ) async throws
        -> HTTPFields
    {
        let roleName = name ?? "role-\(UUID().uuidString.prefix(8))"
        let role = try await services.roles.createUserRole(
            name: roleName, permissions: permissions.map(\.rawValue), by: nil)
        let (user, token) = try await makeAPIUser(
            "api-\(UUID().uuidString.prefix(8))", role: role.id, listRole: listRole)
        return .basic(user.username, token)
    }

    /// Headers of a Super Admin API user.
    public func adminHeaders() async throws -> HTTPFields {
        let (user, token) = try await makeAPIUser("admin-\(UUID().uuidString.prefix(8))")
        return .basic(user.username, token)
    }

    /// A session id for a login user, opened through the password check.
    public func sessionID(_ username: String, password: String = "password-123") async throws -> String {
        try await services.sessions.login(username: username, password: password, clientIP: nil, userAgent: "test")
            .sessionID
    }

    @discardableResult
    public func makeList(
        _ name: String, type: ListType = .private, optin: ListOptin = .single, tags: [String] = []
    ) async throws -> MailingList {
        try await services.lists.create(
            ListDraft(name: name, type: type, optin: optin, status: .active, tags: tags, description: ""))
    }

    /// A list role granting `grants` (list → permissions).
    public func makeListRole(_ name: String, _ grants: [(ListID, [ListPermission])]) async throws -> ListRole {
        try await services.roles.createListRole(
            name: name, grants: grants.map { ($0.0, $0.1.map(\.rawValue)) }, by: nil)
    }
}
