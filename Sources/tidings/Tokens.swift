import ArgumentParser
import Foundation
import TidingsCore
import TidingsServer

struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, rotate and revoke an API user's tokens.",
        discussion: """
            A token's secret is printed once, by create and rotate. Running servers see the change \
            within a second on PostgreSQL, within five seconds on SQLite.
            """,
        subcommands: [CreateToken.self, ListTokens.self, RotateToken.self, RevokeToken.self])
}

/// The options every token command shares.
struct TokenOwner: ParsableArguments {
    @Option(help: "The API user, by username or id.")
    var user: String

    func resolve(_ services: AppServices) async throws -> User {
        let users = try await services.users.users()
        guard let user = users.first(where: { $0.username == user || String($0.id.rawValue) == user }) else {
            throw ValidationError("no user \"\(user)\"")
        }
        return user
    }
}

extension AuditLog {
    /// An event of a command run on the server by an operator.
    func recordCommand(_ action: String, target: (type: String, id: String)?) {
        let operatorName = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
        record(
            "cli.\(action)", .success, actor: AuditEvent.Actor(kind: .cli, username: operatorName), target: target)
    }
}

struct CreateToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a token; its secret is printed once.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var owner: TokenOwner

    @Option(help: "A name that tells the user's tokens apart (e.g. the integration).")
    var name: String

    @Option(name: .customLong("expires-in"), help: "Lifetime in days (default: the configured default, 90).")
    var expiresIn: Int?

    @Option(name: .customLong("scope"), help: "A permission the token keeps (repeat; default: all of the user's).")
    var scopes: [String] = []

    @Option(name: .customLong("list"), help: "A list id the token is limited to (repeat; default: the user's lists).")
    var lists: [Int] = []

    @Option(name: .customLong("allow"), help: "An address or CIDR the token may be used from (repeat).")
    var allowed: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await options.withServices { services in
            let user = try await owner.resolve(services)
            let expiry: TokenService.Request.Expiry =
                expiresIn.map {
                    .at(services.clock.now().addingTimeInterval(TimeInterval($0) * 86_400))
                } ?? .standard
            let issued = try await services.tokens.create(
                for: user.id,
                TokenService.Request(
                    name: name, expiry: expiry, scopes: scopes.isEmpty ? nil : scopes,
                    lists: lists.isEmpty ? nil : lists,
                    allowedCIDRs: allowed),
                by: nil)
            services.audit.recordCommand("tokens.create", target: ("token", issued.token.keyID))
            try CommandOutput.printToken(issued.token, secret: issued.secret, services: services, json: json)
        }
    }
}

struct ListTokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List a user's tokens (never their secrets).")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var owner: TokenOwner

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await options.withServices { services in
            let user = try await owner.resolve(services)
            try CommandOutput.printTokens(
                try await services.tokens.tokens(of: user.id, by: nil), services: services, json: json)
        }
    }
}

struct RotateToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Give a token a new secret; the old one keeps working for the grace period.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var owner: TokenOwner

    @Option(help: "The token's id (its key id, as `tokens list` shows).")
    var id: String

    @Option(
        name: .customLong("grace-seconds"), help: "How long the old secret keeps working: 0–604800 (default 86400).")
    var graceSeconds: Int?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await options.withServices { services in
            let user = try await owner.resolve(services)
            let issued = try await services.tokens.rotate(id, of: user.id, graceSeconds: graceSeconds, by: nil)
            services.audit.recordCommand("tokens.rotate", target: ("token", id))
            try CommandOutput.printToken(issued.token, secret: issued.secret, services: services, json: json)
        }
    }
}

struct RevokeToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke one token, or all of a user's tokens.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var owner: TokenOwner

    @Option(help: "The token's id.")
    var id: String?

    @Flag(help: "Revoke every token of the user.")
    var all = false

    func validate() throws {
        guard (id != nil) != all else { throw ValidationError("give either --id ID or --all") }
    }

    func run() async throws {
        try await options.withServices { services in
            let user = try await owner.resolve(services)
            if let id {
                let token = try await services.tokens.revoke(id, of: user.id, by: nil)
                services.audit.recordCommand("tokens.revoke", target: ("token", id))
                print("Revoked token \"\(token.name)\" (\(token.display)) of \(user.username).")
            } else {
                let count = try await services.tokens.revokeAll(of: user.id, by: nil)
                services.audit.recordCommand("tokens.revoke_all", target: ("user", "\(user.id.rawValue)"))
                print("Revoked \(count) token\(count == 1 ? "" : "s") of \(user.username).")
            }
        }
    }
}
