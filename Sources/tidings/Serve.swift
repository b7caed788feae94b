import ArgumentParser
import Hummingbird
import TidingsServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (the default command). Creates and migrates the database on first start.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        MemoryArenas.limit()
        let configuration = try options.load()
        let logger = options.logger(configuration)
        let app = try await buildApplication(configuration: configuration, logger: logger)
        try await app.runService()
    }
}
