import Logging
import ServiceLifecycle
import TidingsCore
import TidingsStore

/// What an instance does once before it serves: finishes an interrupted import, clears stale
/// uploads, creates the configured Super Admin, or prints the one-time setup code when no login
/// user exists.
struct StartupWork {
    let configuration: TidingsConfiguration
    let importer: SubscriberImporter
    let setup: FirstRunSetup
    let logger: Logger

    func run() async throws {
        importer.recoverInterruptedImport()
        Upload.sweep(dataDirectory: configuration.dataDirectory, olderThan: 3_600, logger: logger)
        if let username = configuration.adminUser, let password = configuration.adminPassword {
            if let user = try await setup.ensureAdmin(username: username, password: password) {
                logger.notice("created the Super Admin login user", metadata: ["username": "\(user.username)"])
            }
        } else if let code = try await setup.issueCode() {
            logger.notice(
                "no login user exists yet: open \(configuration.rootURL)/admin/login and enter the one-time setup code \(code)"
            )
        }
    }
}

/// Runs the database engine while the application runs, and closes it when the application
/// stops. Put first among the application's services, it stops last.
public struct DatabaseService: Service {
    let engine: any DatabaseEngine

    public init(engine: any DatabaseEngine) { self.engine = engine }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [engine] in try? await engine.run() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await engine.shutdown()
    }
}
