import Hummingbird
import Logging
import ServiceLifecycle
import TidingsCore
import TidingsStore

/// The composition root for `tidings serve`: configuration → database → services → router →
/// application. The CLI and the tests build the same `AppServices` and, where they serve HTTP,
/// the same application through `buildApplication(services:logger:database:)`.
public func buildApplication(
    configuration: TidingsConfiguration, logger: Logger, clock: WallClock = .system
) async throws -> some ApplicationProtocol {
    // The schema first, on an engine of its own that closes again: no service of the
    // application starts on a database older than this code.
    try await Database.withEngine(configuration, logger: logger) { engine in
        let applied = try await Schema.migrate(engine, clock: clock)
        if !applied.isEmpty { logger.notice("database schema migrated", metadata: ["versions": "\(applied)"]) }
    }
    let engine = try await Database.open(configuration, logger: logger)
    let services = try AppServices(configuration: configuration, engine: engine, clock: clock)
    return buildApplication(services: services, logger: logger, database: DatabaseService(engine: engine))
}

/// The application over `services`. `database`, when given, runs the engine and closes it after
/// every other service has stopped; without it the caller owns the database (tests).
public func buildApplication(
    services: AppServices, logger: Logger, database: DatabaseService? = nil
) -> Application<RouterResponder<AppRequestContext>> {
    let configuration = services.configuration
    let router = buildRouter(services: services)
    // Services stop in the reverse order of this list, so the database, first, closes last:
    // the audit log's final flush and the mail queue's last attempts still reach it.
    let lifecycle: [any Service] =
        [database].compactMap { $0 } + [
            SessionSweeper(
                store: services.stores.sessions, idleLifetime: configuration.sessionIdleLifetime, clock: services.clock,
                interval: .seconds(3_600), logger: logger),
            AuditFlushService(audit: services.audit, interval: .seconds(1)),
            services.mailQueue,
            AuthChangeService(
                directory: services.directory, tokenUsage: services.tokenUsage, clock: services.clock,
                channel: services.authChanges, reloadInterval: .seconds(5), logger: logger),
        ]
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: lifecycle,
        onServerRunning: { _ in
            logger.notice(
                "Tidings is listening on http://\(configuration.httpAddress) (root URL \(configuration.rootURL))")
        },
        logger: logger)
    // While the services run and before the server listens: no request meets a half-prepared
    // instance.
    app.beforeServerStarts {
        try await StartupWork(
            configuration: configuration, importer: services.importer, setup: services.setup, logger: logger
        ).run()
    }
    return app
}

/// The router: middleware, then the three route tables (`Routes.swift`), each mounted behind
/// its own checks.
public func buildRouter(services: AppServices) -> Router<AppRequestContext> {
    let configuration = services.configuration
    let http = HTTPEdges(configuration: configuration)
    let router = Router(context: AppRequestContext.self)
    let gate = AdminGate(
        configuration: configuration, clock: services.clock, sessions: services.sessions,
        secretHasher: services.secretHasher, cookie: http.cookie, origin: http.origin, addresses: http.addresses)
    let renderer = AdminRenderer()
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: NULInURLMiddleware())
    router.add(middleware: QueryStringMiddleware())
    router.add(middleware: AdminNotFoundMiddleware(gate: gate, renderer: renderer, audit: services.audit))
    router.mount(publicRoutes(services: services, http: http))
    router.mount(adminRoutes(services: services, http: http), gate: gate, renderer: renderer, audit: services.audit)
    let authenticator = APIAuthenticator(
        verifier: services.verifier, sessions: services.sessions, cookie: http.cookie, origin: http.origin,
        addresses: http.addresses, connections: services.connectionCredentials, throttle: services.throttle,
        audit: services.audit, format: services.tokenFormat, hasher: services.secretHasher, clock: services.clock)
    router.group("api").mount(
        apiRoutes(services: services), authenticator: authenticator,
        tokenHeaders: TokenHeaders(policy: configuration.tokenPolicy), audit: services.audit,
        requireTwoFactor: configuration.requireTwoFactor)
    return router
}

/// What the HTTP layer derives from the configuration once: the session cookie's attributes,
/// the origin that state-changing browser requests must come from, and which proxies'
/// `X-Forwarded-For` is believed.
struct HTTPEdges: Sendable {
    let cookie: SessionCookie
    let origin: OriginCheck
    let addresses: ClientAddressResolver

    init(configuration: TidingsConfiguration) {
        cookie = SessionCookie(
            secure: configuration.usesHTTPS, maxAge: Int(configuration.sessionAbsoluteLifetime))
        origin = OriginCheck(rootURL: configuration.rootURL)
        addresses = ClientAddressResolver(trustedProxies: configuration.trustedProxyNetworks)
    }
}
