import Foundation

/// A user role: a named set of global permissions. Role 1 is the immutable Super Admin.
public struct UserRole: Sendable, Equatable, Identifiable {
    public var id: RoleID
    public var name: String
    /// As stored, in the order the client sent them (listmonk keeps that order on the wire).
    public var permissions: [Permission]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: RoleID, name: String, permissions: [Permission], createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.permissions = permissions
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The id of the Super Admin role, created at install; it cannot be changed or deleted.
    public static let superAdminID = RoleID(1)
    public static let superAdminName = "Super Admin"

    public var isSuperAdmin: Bool { id == Self.superAdminID }

    /// What the role grants. The Super Admin holds the whole catalogue, including permissions
    /// added by later versions.
    public var permissionSet: PermissionSet { isSuperAdmin ? .all : PermissionSet(permissions) }
}

/// A list role: per-list `list:get` / `list:manage` grants.
public struct ListRole: Sendable, Equatable, Identifiable {
    public var id: RoleID
    public var name: String
    public var lists: [ListGrant]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: RoleID, name: String, lists: [ListGrant], createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.lists = lists
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The permissions a list role grants on one list.
public struct ListGrant: Sendable, Equatable {
    public var listID: ListID
    public var listName: String
    public var permissions: [ListPermission]

    public init(listID: ListID, listName: String, permissions: [ListPermission]) {
        self.listID = listID
        self.listName = listName
        self.permissions = permissions
    }
}
