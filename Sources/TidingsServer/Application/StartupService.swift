import Logging
import ServiceLifecycle
import TidingsCore
import TidingsStore

/// Prints the one-time setup code when no login user exists, then waits for shutdown.
struct StartupService: Service {
    let services: AppServices
    let logger: Logger

    func run() async throws {
        services.importer.recoverInterruptedImport()
        Upload.sweep(dataDirectory: services.configuration.dataDirectory, olderThan: 3_600, logger: logger)
        if services.configuration.adminUser == nil || services.configuration.adminPassword == nil,
            let code = try await services.setup.issueCode()
        {
            logger.notice(
                "no login user exists yet: open \(services.configuration.rootURL)/admin/login and enter the one-time setup code \(code)"
            )
        }
        try? await gracefulShutdown()
    }
}

/// Closes the database when the application stops.
struct DatabaseShutdownService: Service {
    let engine: any DatabaseEngine

    func run() async throws {
        try? await gracefulShutdown()
        await engine.shutdown()
    }
}
