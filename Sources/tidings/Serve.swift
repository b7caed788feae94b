import ArgumentParser
import Hummingbird
import ServiceLifecycle
import TidingsServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (the default command). Creates and migrates the database on first start.")

    @OptionGroup var options: GlobalOptions

    static let gracefulShutdownLimit = Duration.seconds(15)

    func run() async throws {
        MemoryArenas.limit()
        let configuration = try options.load()
        let logger = options.logger(configuration)
        let app = try await buildApplication(configuration: configuration, logger: logger)
        // SIGTERM or SIGINT shut down gracefully; a service that does not finish within the
        // bounds below is cancelled, and then left behind, so a stop never hangs for ever
        // (one did, waiting for a database connection that was gone).
        var group = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = Self.gracefulShutdownLimit
        group.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: group).run()
        logger.notice("Tidings shut down cleanly")
    }
}
