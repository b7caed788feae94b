import Foundation
import TidingsCore

/// A user as listmonk serialises it, in its key order. `password` is `null`
/// except in the response that creates an API user, where it carries the token once.
struct UserJSON: Encodable, Sendable {
    let user: User
    let role: UserRole?
    let listRole: ListRole?
    var password: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, created_at, updated_at, username, password, password_login, email, name, type, status, avatar
        case twofa_type, loggedin_at, list_role_id, user_role, list_role
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user.id, forKey: .id)
        try container.encode(user.createdAt, forKey: .created_at)
        try container.encode(user.updatedAt, forKey: .updated_at)
        try container.encode(user.username, forKey: .username)
        try container.encode(password, forKey: .password)
        // listmonk shows API users as password-login users with no e-mail.
        try container.encode(user.type == .api ? true : user.passwordLogin, forKey: .password_login)
        try container.encode(user.type == .api ? nil : user.email, forKey: .email)
        try container.encode(user.name, forKey: .name)
        try container.encode(user.type, forKey: .type)
        try container.encode(user.status, forKey: .status)
        try container.encode(user.avatar, forKey: .avatar)
        try container.encode(user.twoFactor, forKey: .twofa_type)
        try container.encode(user.loggedInAt, forKey: .loggedin_at)
        if let listRoleID = user.listRoleID { try container.encode(listRoleID, forKey: .list_role_id) }
        try container.encode(role.map(UserRoleSummaryJSON.init), forKey: .user_role)
        try container.encode(listRole.map(ListRoleSummaryJSON.init), forKey: .list_role)
    }
}

/// `user_role` inside a user: `{id, name, permissions}`.
struct UserRoleSummaryJSON: Encodable {
    let id: RoleID
    let name: String
    let permissions: [Permission]

    init(_ role: UserRole) {
        id = role.id
        name = role.name
        permissions = role.permissions
    }
}

/// `list_role` inside a user: `{id, name, lists: [{id, name, permissions}]}`.
struct ListRoleSummaryJSON: Encodable {
    let id: RoleID
    let name: String
    let lists: [ListGrantJSON]

    init(_ role: ListRole) {
        id = role.id
        name = role.name
        lists = role.lists.map(ListGrantJSON.init)
    }
}

struct ListGrantJSON: Encodable {
    let id: ListID
    let name: String
    let permissions: [ListPermission]

    init(_ grant: ListGrant) {
        id = grant.listID
        name = grant.listName
        permissions = grant.permissions
    }
}

/// A user role: `{id, created_at, updated_at, type: "user", name, permissions, lists: null}`.
struct UserRoleJSON: Encodable {
    let role: UserRole

    enum CodingKeys: String, CodingKey { case id, created_at, updated_at, type, name, permissions, lists }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role.id, forKey: .id)
        try container.encode(role.createdAt, forKey: .created_at)
        try container.encode(role.updatedAt, forKey: .updated_at)
        try container.encode("user", forKey: .type)
        try container.encode(role.name, forKey: .name)
        try container.encode(role.permissions, forKey: .permissions)
        try container.encodeNil(forKey: .lists)
    }
}

/// A list role: `{id, created_at, updated_at, name, lists}`.
struct ListRoleJSON: Encodable {
    let role: ListRole

    enum CodingKeys: String, CodingKey { case id, created_at, updated_at, name, lists }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role.id, forKey: .id)
        try container.encode(role.createdAt, forKey: .created_at)
        try container.encode(role.updatedAt, forKey: .updated_at)
        try container.encode(role.name, forKey: .name)
        try container.encode(role.lists.map(ListGrantJSON.init), forKey: .lists)
    }
}
