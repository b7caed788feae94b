import ArgumentParser
import Foundation
import TidingsCore
import TidingsServer

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and list users.", subcommands: [CreateUser.self, ListUsers.self])
}

struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a login user or an API user. An API user's token is printed once.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "3–2000 characters of A-Z a-z 0-9 _ - . @")
    var username: String

    @Option(help: "user: logs in with a password; api: uses tokens.")
    var type: UserType = .user

    @Option(
        help: ArgumentHelp(
            "User role, by name or id. Required for an API user; a login user without it gets Super Admin.",
            valueName: "role"))
    var role: String?

    @Option(help: "E-mail address of a login user (default: <username>@localhost).")
    var email: String?

    @Option(
        name: .customLong("password-file"),
        help: "File holding a login user's password (default: read from standard input).")
    var passwordFile: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await options.withServices { services in
            let roles = try await services.roles.userRoles()
            let listed = roles.map { "\($0.id) \($0.name)" }.joined(separator: ", ")
            // Least privilege: an API user's role is chosen, never Super Admin by default.
            guard let wanted = role ?? (type == .user ? UserRole.superAdminName : nil) else {
                throw ValidationError(
                    "an API user needs --role (a user role's name or id; roles: \(listed)). Create a narrow role in "
                        + "the admin UI (Roles) or with POST /api/roles/users first if none fits.")
            }
            guard let role = roles.first(where: { $0.name == wanted || String($0.id.rawValue) == wanted }) else {
                throw ValidationError("no user role \"\(wanted)\"; roles: \(listed)")
            }
            var password: String?
            if type == .user { password = try readPassword() }
            let created = try await services.users.create(
                .init(
                    username: username, email: email ?? "\(username.lowercased())@localhost", password: password,
                    passwordLogin: type == .user, type: type, status: .enabled, userRoleID: role.id),
                by: nil)
            services.audit.recordCommand("users.create", target: ("user", "\(created.user.id.rawValue)"))
            try CommandOutput.printCreated(
                created, role: role, rootURL: services.configuration.rootURL, json: json)
        }
    }

    private func readPassword() throws -> String {
        if let passwordFile {
            return try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("give the password on standard input or with --password-file")
        }
        return line
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await options.withServices { services in
            let users = try await services.users.users()
            let roles = Dictionary(uniqueKeysWithValues: try await services.roles.userRoles().map { ($0.id, $0.name) })
            try CommandOutput.printUsers(users, roles: roles, json: json)
        }
    }
}

extension UserType: ExpressibleByArgument {}
