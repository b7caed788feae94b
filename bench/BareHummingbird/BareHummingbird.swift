import Hummingbird

/// The baseline of `bench/overhead`: a Hummingbird application with its default settings and one
/// route, `GET /health`, answering `{"data":true}` through Hummingbird's default JSON encoding.
/// Whatever Tidings costs beyond this is Tidings' own.
///
/// Usage: `bare-hummingbird [PORT]` (default 8080), listening on 127.0.0.1.
@main
struct BareHummingbird {
    struct Health: ResponseEncodable {
        let data: Bool
    }

    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 8080
        let router = Router()
        router.get("health") { _, _ in Health(data: true) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
