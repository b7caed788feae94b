// auth-cost: what authentication costs Tidings' own code, measured in process.
//
// `bench/auth` measures requests/second over real sockets with wrk on the same machine; on a small
// shared VM its figures move by 10–20% between runs, because the kernel, the scheduler and wrk take
// most of the CPU. This program leaves all of that out: it builds the real router over a real
// SQLite database and hands it requests directly, and times
//   1. unauthenticated   GET /health
//   2. token             GET /api/health   (Authorization: Basic base64(user:token))
//   3. invalid token     GET /api/health   (a well-formed token with a wrong secret: 401, then 429
//                                           once the failure throttle steps in, as in bench/auth)
// in interleaved rounds, and prints the nanoseconds per request of each (the fastest round: the
// one least disturbed by the rest of the machine; the median too), the token's extra cost, and
// the two ratios of bench/auth as times (token ÷ unauthenticated, invalid ÷ valid).
// What it cannot see (parsing the longer request, writing the longer response) bench/auth does.
//
// Usage: auth-cost [requests-per-round (100000)] [rounds (7)] [parallel tasks (1)]
// Built and run by bench/auth; by hand:
//   swift build -c release --scratch-path .build-release --product auth-cost && .build-release/release/auth-cost
// AUTH_COST_ONLY=<1|2|3> runs only that scenario, for requests × rounds requests: for a profiler.
import Foundation
import Logging
import NIOCore
import NIOPosix
import TidingsCore
import TidingsServer

@main
struct AuthCost {
    static func main() async {
        do {
            try await measure()
        } catch {
            FileHandle.standardError.write(Data("auth-cost: \(error)\n".utf8))
            exit(1)
        }
    }

    static func measure() async throws {
        let arguments = CommandLine.arguments.dropFirst().map { Int($0) }
        guard arguments.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw AuthCostError("usage: auth-cost [requests-per-round] [rounds] [parallel tasks]")
        }
        let perRound = arguments.first.flatMap { $0 } ?? 100_000
        let rounds = arguments.dropFirst().first.flatMap { $0 } ?? 7
        let tasks = arguments.dropFirst(2).first.flatMap { $0 } ?? 1
        let logger = {
            var logger = Logger(label: "auth-cost")
            logger.logLevel = .error
            return logger
        }()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tidings-auth-cost-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = {
            var configuration = TidingsConfiguration()
            configuration.dataDirectory = directory
            configuration.databaseURL = "sqlite://\(directory)/tidings.db"
            configuration.secretKey = "auth-cost-secret-key-0123456789abcdef"
            return configuration
        }()

        try await AppServices.withServices(configuration, logger: logger) { services in
            let created = try await services.users.create(
                .init(username: "bench", type: .api, status: .enabled, userRoleID: UserRole.superAdminID), by: nil)
            guard let token = created.token else { throw AuthCostError("no token for the API user") }
            let responder = buildRouter(services: services).buildResponder()
            // Real connections on loopback, one per scenario as wrk's are: the context asks its
            // connection for the peer's address, and Tidings remembers per connection what the
            // last request's credentials did.
            let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0).get()
            let scenarios = scenarios(token: token)
            var channels: [any Channel] = []
            for _ in scenarios {
                channels.append(
                    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(to: listener.localAddress!).get())
            }
            defer {
                for channel in channels { channel.close(promise: nil) }
                listener.close(promise: nil)
            }
            func run(_ index: Int, _ count: Int) async throws -> Double {
                try await scenarios[index].nanosecondsPerRequest(
                    count, tasks: tasks, responder: responder, channel: channels[index], logger: logger)
            }

            if let only = ProcessInfo.processInfo.environment["AUTH_COST_ONLY"].flatMap(Int.init),
                scenarios.indices.contains(only - 1)
            {
                print(String(format: "%.0f ns/request", try await run(only - 1, perRound * rounds)))
                return
            }
            for index in scenarios.indices { _ = try await run(index, max(tasks, perRound / 10)) }  // warm-up
            var figures = Array(repeating: [Double](), count: scenarios.count)
            for round in 1...rounds {
                for index in scenarios.indices {
                    figures[index].append(try await run(index, perRound))
                }
                FileHandle.standardError.write(Data("auth-cost: round \(round)/\(rounds)\n".utf8))
            }
            report(scenarios, figures, perRound: perRound, rounds: rounds, tasks: tasks)
        }
    }

    static func scenarios(token: String) -> [Scenario] {
        func basic(_ secret: String) -> String { "Basic " + Data("bench:\(secret)".utf8).base64EncodedString() }
        // One character of the secret changed: the key id still finds the token, the HMAC differs.
        var wrong = Array(token.utf8)
        let position = wrong.count - 10
        wrong[position] = wrong[position] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        return [
            Scenario(name: "unauthenticated GET /health", path: "/health", authorization: nil, expected: [.ok]),
            Scenario(name: "token GET /api/health", path: "/api/health", authorization: basic(token), expected: [.ok]),
            Scenario(
                name: "invalid token GET /api/health (401, then 429)", path: "/api/health",
                authorization: basic(String(decoding: wrong, as: UTF8.self)),
                expected: [.unauthorized, .tooManyRequests]),
        ]
    }

    /// Markdown tables: each scenario's fastest round, median and rounds, then the token's cost and
    /// the ratios (from the fastest rounds).
    static func report(_ scenarios: [Scenario], _ figures: [[Double]], perRound: Int, rounds: Int, tasks: Int) {
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func fastest(_ values: [Double]) -> Double { values.min() ?? .nan }
        func format(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
        print(
            "In process (`auth-cost`): \(rounds) interleaved rounds of \(perRound) requests per scenario, ",
            terminator: "")
        print("\(tasks) task\(tasks == 1 ? "" : "s") sending; a figure is the fastest round.\n")
        print("| scenario (in process) | ns/request (fastest round) | median | rounds |")
        print("| --- | ---: | ---: | --- |")
        for (scenario, values) in zip(scenarios, figures) {
            print(
                "| \(scenario.name) | \(format(fastest(values))) | \(format(median(values))) | \(values.map { format($0) }.joined(separator: "/")) |"
            )
        }
        let (unauthenticated, token, invalid) = (fastest(figures[0]), fastest(figures[1]), fastest(figures[2]))
        print("\n| in process | value |")
        print("| --- | ---: |")
        print("| a token's extra cost, ns/request | \(format(token - unauthenticated)) |")
        print("| time, token ÷ unauthenticated | \(format(token / unauthenticated, 2)) |")
        print("| time, invalid ÷ valid token | \(format(invalid / token, 2)) |")
    }
}
