import ArgumentParser
import Foundation
import TidingsCore
import TidingsServer
import TidingsStore

struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Create the database schema, the Super Admin role and the default lists. Safe to run again: it never deletes data.",
        discussion:
            "Also creates the Super Admin login user when TIDINGS_ADMIN_USER and TIDINGS_ADMIN_PASSWORD are set.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        let configuration = try options.load()
        let logger = options.logger(configuration)
        let location = try configuration.database
        if !yes {
            print("Install the Tidings schema into \(Describe.location(location))? [y/N] ", terminator: "")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                throw CleanExit.message("Nothing done.")
            }
        }
        let before = try await Database.withEngine(configuration, logger: logger) { engine in
            try await Migrator(engine: engine).currentVersion()
        }
        try await AppServices.withServices(configuration, logger: logger) { services in
            if let username = configuration.adminUser, let password = configuration.adminPassword,
                let user = try await services.setup.ensureAdmin(username: username, password: password)
            {
                print("Created the Super Admin login user \"\(user.username)\".")
            }
            print(
                before == 0
                    ? "Installed schema version \(Migrator.latestVersion)."
                    : "Already installed (schema version \(Migrator.latestVersion)); nothing to do.")
            if before == 0 {
                // The default lists of a new database (migration 7), as listmonk's install makes them.
                for list in try await services.stores.lists.lists(ListQuery()).items.sorted(by: { $0.id < $1.id }) {
                    print(
                        "Created the list \"\(list.name)\" (id \(list.id), \(list.type.rawValue), \(list.optin.rawValue) opt-in)."
                    )
                }
            }
        }
    }
}

struct Upgrade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending schema migrations. Safe to run again.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try options.load()
        try await Database.withEngine(configuration, logger: options.logger(configuration)) { engine in
            let applied = try await Schema.migrate(engine)
            print(
                applied.isEmpty
                    ? "Up to date (schema version \(Migrator.latestVersion))."
                    : "Applied migrations \(applied.map(String.init).joined(separator: ", ")).")
        }
    }
}

enum Describe {
    static func location(_ location: DatabaseLocation) -> String {
        switch location {
        case .sqlite(let path): return "SQLite at \(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "PostgreSQL" }
            if components.password != nil { components.password = "***" }
            return "PostgreSQL at \(components.string ?? "?")"
        }
    }
}
