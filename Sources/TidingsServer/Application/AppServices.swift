import Foundation
import Logging
import TidingsCore
import TidingsMail
import TidingsStore

/// Every service of a running Tidings. `init` is the one place they are wired: the server
/// (`buildApplication`), the CLI and the tests (`withServices`) all go through it.
public final class AppServices: Sendable {
    public let configuration: TidingsConfiguration
    public let engine: any DatabaseEngine
    public let stores: Stores
    public let directory: AuthDirectory
    public let tokenFormat: TokenFormat
    public let verifier: CredentialVerifier
    public let sessions: SessionService
    public let tokens: TokenService
    public let users: UserService
    public let roles: RoleService
    public let lists: ListService
    public let subscribers: SubscriberService
    public let importer: SubscriberImporter
    public let setup: FirstRunSetup
    public let clock: WallClock
    public let tokenUsage: TokenUsageRecorder
    /// The keyed hash of tokens and session ids (also used for audit fingerprints).
    public let secretHasher: SecretHasher
    /// Failed-authentication counts for login, API and the leaked-token report.
    public let throttle: FailureThrottle
    /// The append-only audit log.
    public let audit: AuditLog
    public let twoFactor: TwoFactorService
    /// Seals the short-lived cookie between the password and the TOTP step of a login.
    public let pendingLogins: SecretBox
    /// How this process hears of changes made by other instances (PostgreSQL only).
    public let authChanges: (any AuthChangeChannel)?
    /// Where password hashes are computed, a bounded number at a time.
    let passwordChecks: PasswordCheckPool
    /// The token each keep-alive connection last authenticated with.
    let connectionCredentials = ConnectionCredentials()
    /// Delivers Tidings' mail (a service of the application: it runs while the server does).
    let mailQueue: MailQueue

    public init(configuration: TidingsConfiguration, engine: any DatabaseEngine, clock: WallClock = .system) throws {
        self.configuration = configuration
        self.engine = engine
        self.clock = clock
        let stores = SQLStore(engine: engine).stores
        self.stores = stores
        let key = try SecretKeyFile.key(configured: configuration.secretKey, dataDirectory: configuration.dataDirectory)
        let hasher = SecretHasher(key: key)
        secretHasher = hasher
        passwordChecks = PasswordCheckPool(
            threads: configuration.passwordCheckThreads ?? PasswordCheckPool.defaultThreads,
            waiting: configuration.passwordCheckWaiting,
            typical: BcryptPasswordHasher.timeOfOneHash(cost: configuration.bcryptCost))
        let passwords = BcryptPasswordHasher(cost: configuration.bcryptCost, pool: passwordChecks)
        let changes = engine.authChangeChannel(logger: Logger(label: "tidings.auth"))
        authChanges = changes
        let directory = AuthDirectory(
            userStore: stores.users, roleStore: stores.roles, tokenStore: stores.tokens, changes: changes)
        self.directory = directory
        let format = try TokenFormat(prefix: configuration.tokenPrefix)
        tokenFormat = format
        let logger = Logger(label: "tidings.tokens")
        let usage = TokenUsageRecorder(store: stores.tokens) { error in
            logger.warning("could not record a token's last use", metadata: ["error": "\(String(reflecting: error))"])
        }
        tokenUsage = usage
        let throttle = FailureThrottle()
        let auditLogger = Logger(label: "tidings.audit")
        audit = AuditLog(store: stores.audit, clock: clock) { error in
            auditLogger.error("could not write audit events", metadata: ["error": "\(String(reflecting: error))"])
        }
        self.throttle = throttle
        verifier = CredentialVerifier(
            directory: directory, format: format, hasher: hasher, users: stores.users, passwords: passwords,
            clock: clock, policy: configuration.tokenPolicy, usage: usage,
            throttle: throttle)
        sessions = SessionService(
            userStore: stores.users, sessionStore: stores.sessions, directory: directory, hasher: hasher,
            passwords: passwords,
            policy: SessionPolicy(
                absoluteLifetime: configuration.sessionAbsoluteLifetime, idleLifetime: configuration.sessionIdleLifetime
            ),
            clock: clock)
        let tokens = TokenService(
            userStore: stores.users, roleStore: stores.roles, listStore: stores.lists, tokenStore: stores.tokens,
            directory: directory, format: format, hasher: hasher, policy: configuration.tokenPolicy,
            clock: clock)
        self.tokens = tokens
        let users = UserService(
            userStore: stores.users, roleStore: stores.roles, sessionStore: stores.sessions, directory: directory,
            passwords: passwords, tokens: tokens, clock: clock)
        self.users = users
        roles = RoleService(roleStore: stores.roles, directory: directory, clock: clock)
        lists = ListService(listStore: stores.lists, directory: directory, clock: clock)
        let mailQueue = MailQueue(
            sender: configuration.smtp.map { SMTPClient(settings: $0, clock: clock) },
            logger: Logger(label: "tidings.mail"))
        self.mailQueue = mailQueue
        subscribers = SubscriberService(
            listStore: stores.lists, subscriberStore: stores.subscribers, clock: clock,
            optin: OptinMail(rootURL: configuration.rootURL, fromAddress: configuration.effectiveFromEmail),
            outbox: mailQueue)
        importer = SubscriberImporter(
            store: stores.imports, clock: clock,
            journal: ImportJournal(
                directory: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("imports")))
        twoFactor = TwoFactorService(
            userStore: stores.users, roleStore: stores.roles, twoFactorStore: stores.twoFactor, directory: directory,
            passwords: passwords, box: SecretBox(serverKey: key, purpose: "totp"),
            issuer: "Tidings", clock: clock)
        pendingLogins = SecretBox(serverKey: key, purpose: "pending login")
        setup = FirstRunSetup(userStore: stores.users, roleStore: stores.roles, users: users, clock: clock)
    }
}

extension AppServices {
    /// Runs `body` with the services of the configured database, migrated first, and closes the
    /// database afterwards, once the audit events `body` queued are written (the CLI, tests and
    /// benchmarks; the server runs its database as an application service instead).
    public static func withServices<T: Sendable>(
        _ configuration: TidingsConfiguration, logger: Logger, clock: WallClock = .system,
        _ body: @Sendable (AppServices) async throws -> T
    ) async throws -> T {
        try await Database.withEngine(configuration, logger: logger) { engine in
            try await Schema.migrate(engine, clock: clock)
            let services = try AppServices(configuration: configuration, engine: engine, clock: clock)
            let result = try await body(services)
            await services.audit.flush()
            return result
        }
    }
}
