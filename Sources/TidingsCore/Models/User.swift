import Foundation

/// The two kinds of user: people log in with a password, programs use tokens.
public enum UserType: String, Sendable, Codable, CaseIterable {
    case user
    case api
}

public enum UserStatus: String, Sendable, Codable, CaseIterable {
    case enabled
    case disabled
}

public enum TwoFactorType: String, Sendable, Codable {
    case none
    case totp
}

/// A login user or an API user. Secrets (password hash, token hashes) are never part of it.
public struct User: Sendable, Equatable, Identifiable {
    public var id: UserID
    public var username: String
    public var passwordLogin: Bool
    /// `nil` for API users.
    public var email: String?
    public var name: String
    public var type: UserType
    public var status: UserStatus
    public var avatar: String?
    public var twoFactor: TwoFactorType
    public var loggedInAt: Date?
    public var userRoleID: RoleID
    public var listRoleID: RoleID?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UserID, username: String, passwordLogin: Bool, email: String?, name: String, type: UserType,
        status: UserStatus, avatar: String? = nil, twoFactor: TwoFactorType = .none, loggedInAt: Date? = nil,
        userRoleID: RoleID, listRoleID: RoleID?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.username = username
        self.passwordLogin = passwordLogin
        self.email = email
        self.name = name
        self.type = type
        self.status = status
        self.avatar = avatar
        self.twoFactor = twoFactor
        self.loggedInAt = loggedInAt
        self.userRoleID = userRoleID
        self.listRoleID = listRoleID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The fields of a user to create; the store assigns id and timestamps.
public struct NewUser: Sendable, Equatable {
    public var username: String
    public var passwordLogin: Bool
    public var passwordHash: String?
    public var email: String?
    public var name: String
    public var type: UserType
    public var status: UserStatus
    public var userRoleID: RoleID
    public var listRoleID: RoleID?

    public init(
        username: String, passwordLogin: Bool, passwordHash: String?, email: String?, name: String,
        type: UserType, status: UserStatus, userRoleID: RoleID, listRoleID: RoleID?
    ) {
        self.username = username
        self.passwordLogin = passwordLogin
        self.passwordHash = passwordHash
        self.email = email
        self.name = name
        self.type = type
        self.status = status
        self.userRoleID = userRoleID
        self.listRoleID = listRoleID
    }
}

/// A change to an existing user. `nil` leaves a field as it is.
public struct UserChanges: Sendable, Equatable {
    public var username: String?
    public var passwordLogin: Bool?
    public var passwordHash: String?
    public var email: String?
    public var name: String?
    public var type: UserType?
    public var status: UserStatus?
    public var userRoleID: RoleID?
    /// `.some(nil)` removes the list role.
    public var listRoleID: RoleID??

    public init() {}
}
