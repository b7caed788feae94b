import Foundation
import Hummingbird
import TidingsCore

/// `/api/users`.
struct UsersController {
    let users: UserService
    let directory: AuthDirectory

    var routes: [APIRoute] {
        [
            APIRoute(.get, "users", .anyOf([.usersGet]), list),
            APIRoute(.get, "users/:id", .anyOf([.usersGet]), get),
            APIRoute(.post, "users", .anyOf([.usersManage]), create),
            APIRoute(.put, "users/:id", .anyOf([.usersManage]), update),
            APIRoute(.delete, "users/:id", .anyOf([.usersManage]), deleteOne),
            APIRoute(.delete, "users", .anyOf([.usersManage]), deleteMany),
        ]
    }

    /// The body of `POST` and `PUT /api/users`.
    struct UserBody: Decodable {
        var username: String?
        var name: String?
        var email: String?
        var password: String?
        var password_login: Bool?
        var type: String?
        var status: String?
        var user_role_id: Int?
        var list_role_id: Int?

        enum CodingKeys: String, CodingKey {
            case username, name, email, password, password_login, type, status, user_role_id, list_role_id
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            username = try container.decodeIfPresent(String.self, forKey: .username)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            email = try container.decodeIfPresent(String.self, forKey: .email)
            password = try container.decodeIfPresent(String.self, forKey: .password)
            password_login = try container.decodeIfPresent(Bool.self, forKey: .password_login)
            type = try container.decodeIfPresent(String.self, forKey: .type)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            user_role_id = try container.decodeIfPresent(Int.self, forKey: .user_role_id)
            list_role_id = try container.decodeIfPresent(Int.self, forKey: .list_role_id)
        }

        func userType() throws -> UserType? {
            guard let type, !type.isEmpty else { return nil }
            guard let parsed = UserType(rawValue: type) else { throw TidingsError.invalidField("type") }
            return parsed
        }

        func userStatus() throws -> UserStatus? {
            guard let status, !status.isEmpty else { return nil }
            guard let parsed = UserStatus(rawValue: status) else { throw TidingsError.invalidField("status") }
            return parsed
        }
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let all = try await users.users()
        return try ok(try await UserPresenter(directory: directory).json(all), request)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try await users.user(UserID(try context.id()))
        return try ok(try await UserPresenter(directory: directory).json(user), request)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await request.decode(as: UserBody.self, context: context)
        guard let roleID = body.user_role_id, roleID > 0 else {
            throw try await users.userRoleRequired()
        }
        let creation = UserService.Creation(
            username: body.username ?? "", name: body.name, email: body.email, password: body.password,
            passwordLogin: body.password_login ?? false, type: try body.userType() ?? .user,
            status: try body.userStatus() ?? .enabled, userRoleID: RoleID(roleID),
            listRoleID: body.list_role_id.flatMap { $0 > 0 ? RoleID($0) : nil })
        let created = try await users.create(creation, by: context.principal)
        context.audit?.target = ("user", "\(created.user.id.rawValue)")
        var json = try await UserPresenter(directory: directory).json(created.user)
        json.password = created.token
        return try ok(json, request)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = UserID(try context.id())
        let body = try await request.decode(as: UserBody.self, context: context)
        var update = UserService.Update()
        update.username = body.username
        update.name = body.name
        update.email = body.email
        update.password = body.password
        update.passwordLogin = body.password_login
        update.type = try body.userType()
        update.status = try body.userStatus()
        update.userRoleID = body.user_role_id.flatMap { $0 > 0 ? RoleID($0) : nil }
        switch body.list_role_id {
        case .none: update.listRole = .remove
        case .some(0): update.listRole = .keep
        case .some(let role): update.listRole = role > 0 ? .set(RoleID(role)) : .remove
        }
        let user = try await users.update(id, update, by: context.principal)
        return try ok(try await UserPresenter(directory: directory).json(user), request)
    }

    @Sendable func deleteOne(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = UserID(try context.id())
        _ = try await users.user(id)
        try await users.delete([id], by: context.principal)
        return try ok(true, request)
    }

    @Sendable func deleteMany(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let raw = request.query.getAll("id")
        let ids = raw.compactMap { Int($0) }
        guard !raw.isEmpty, ids.count == raw.count, ids.allSatisfy({ $0 > 0 }) else {
            throw TidingsError(.badRequest, code: "invalid_id", message: "Invalid ID(s)")
        }
        try await users.delete(ids.map { UserID($0) }, by: context.principal)
        return try ok(true, request)
    }
}

/// Builds `UserJSON` with roles from the authentication cache (no extra queries).
struct UserPresenter {
    let directory: AuthDirectory

    func json(_ user: User) async throws -> UserJSON {
        try await json([user])[0]
    }

    func json(_ users: [User]) async throws -> [UserJSON] {
        let snapshot = try await directory.snapshot()
        return users.map { user in
            let access = snapshot.accessByUserID[user.id]
            return UserJSON(user: user, role: access?.role, listRole: access?.listRole)
        }
    }
}
